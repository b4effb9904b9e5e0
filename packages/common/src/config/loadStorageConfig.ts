import { createFsStore } from '../storage/createFsStore';
import { createMemoryStore } from '../storage/createMemoryStore';
import { createOssHttpStore } from '../storage/createOssHttpStore';
import { ConfigError } from '../errors';
import {
  STS_SIGNED_URL_MAX_SECONDS,
  type DownloadUrlConfig,
  type SigningCredentials,
} from '../storage/createDownloadUrlBuilder';
import type { ObjectStore } from '../storage/ObjectStore';
import type { CredentialsSource } from './createCredentialsSource';
import { createEnvReader, type Env, type EnvReader } from './createEnvReader';
import type * as OssStoreModule from '../storage/createOssStore';

/**
 * OSS endpoints reachable only from inside Alibaba Cloud: `oss-<region>-internal.aliyuncs.com` (classic and
 * VPC) and the older `vpc100-oss-<region>.aliyuncs.com`. Functions should read OSS through them (free,
 * faster); phones cannot resolve or reach them.
 */
const INTERNAL_OSS_HOST = /^(?:[a-z0-9-]+\.)?(?:vpc100-(oss-[a-z0-9-]+)|(oss-[a-z0-9-]+?)-internal)\.aliyuncs\.com$/;

/** Whether a host name is an internal-only OSS endpoint (with or without a bucket in front). */
export function isInternalOssHost(hostname: string): boolean {
  return INTERNAL_OSS_HOST.test(hostname.toLowerCase());
}

/**
 * The endpoint devices use for an endpoint functions use: an internal OSS endpoint becomes its region's
 * public one, over https (phones need TLS; the internal endpoint is often plain http); anything else (a
 * public endpoint, the local stack's OSS server) is reachable as it is.
 */
export function publicOssEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  const match = INTERNAL_OSS_HOST.exec(url.hostname.toLowerCase());
  if (!match) return endpoint.replace(/\/+$/, '');
  return `https://${match[1] ?? match[2]}.aliyuncs.com`;
}

export const STORAGE_KINDS = ['oss', 'fs', 'memory'] as const;
export const DOWNLOAD_MODES = ['public', 'signed'] as const;
export const OSS_CLIENTS = ['http', 'ali-oss'] as const;

/** OSS bucket names: 3–63 lower-case letters, digits and hyphens, not starting or ending with a hyphen. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface StorageConfig {
  kind: (typeof STORAGE_KINDS)[number];
  bucket: string;
  /** `oss-cn-shanghai` */
  region: string;
  /** Overrides the region's endpoint (the local stack's OSS server, an internal endpoint). */
  endpoint: string | undefined;
  pathStyle: boolean;
  /** `http`: hotpatch's own signed node:http client (small, fast to load); `ali-oss`: the SDK. */
  ossClient: (typeof OSS_CLIENTS)[number];
  /** For `fs`: the folder. */
  directory: string | undefined;
  download: {
    mode: (typeof DOWNLOAD_MODES)[number];
    /** Where devices fetch content: never an internal endpoint (see `publicOssEndpoint`). */
    baseUrl: string;
    expiresSeconds: number;
    /** Long-lived keys that sign download URLs in `signed` mode, instead of the function's STS credentials. */
    signer: { accessKeyId: string; accessKeySecret: string } | undefined;
  };
}

/**
 * Storage settings from the environment:
 * `HOTPATCH_STORAGE` (oss | fs | memory, default oss), `HOTPATCH_OSS_BUCKET` (required for oss),
 * `HOTPATCH_OSS_REGION` (default oss-cn-hangzhou), `HOTPATCH_OSS_ENDPOINT`, `HOTPATCH_OSS_PATH_STYLE`,
 * `HOTPATCH_OSS_CLIENT` (http | ali-oss, default http), `HOTPATCH_FS_DIR` (required for fs), `HOTPATCH_DOWNLOAD_MODE` (public | signed, default public),
 * `HOTPATCH_DOWNLOAD_BASE_URL` (default the bucket's public URL: with an internal `HOTPATCH_OSS_ENDPOINT`, the
 * region's public endpoint, since phones cannot reach internal ones), `HOTPATCH_DOWNLOAD_URL_EXPIRES`
 * (seconds, default 86400), `HOTPATCH_DOWNLOAD_SIGNER_KEY_ID` / `HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET`
 * (long-lived keys for signed URLs; both or neither).
 */
export function loadStorageConfig(env: Env): StorageConfig {
  const read = createEnvReader(env);
  const kind = read.oneOf('HOTPATCH_STORAGE', STORAGE_KINDS, 'oss');
  const bucket = read.string('HOTPATCH_OSS_BUCKET', {
    ...(kind === 'oss' ? {} : { fallback: 'hotpatch' }),
    pattern: BUCKET_NAME,
    hint: 'an OSS bucket name',
  });
  const region = read.string('HOTPATCH_OSS_REGION', {
    fallback: 'oss-cn-hangzhou',
    pattern: /^oss-[a-z0-9-]+$/,
    hint: 'like oss-cn-shanghai',
  });
  const endpoint = read.optionalUrl('HOTPATCH_OSS_ENDPOINT');
  const directory =
    kind === 'fs' ? read.string('HOTPATCH_FS_DIR', { hint: 'the folder of the filesystem store' }) : undefined;
  const pathStyle = read.oneOf('HOTPATCH_OSS_PATH_STYLE', ['true', 'false'], 'false') === 'true';
  const publicEndpoint = endpoint === undefined ? `https://${region}.aliyuncs.com` : publicOssEndpoint(endpoint);
  const bucketUrl = pathStyle ? `${publicEndpoint}/${bucket}` : publicEndpoint.replace('://', `://${bucket}.`);
  const downloadBaseUrl = read.url('HOTPATCH_DOWNLOAD_BASE_URL', bucketUrl);
  // The host by pattern, not `new URL`: a derived base such as `http://bucket.127.0.0.1:3001` is no valid URL.
  const downloadHost = /^https?:\/\/([^/:?#]+)/i.exec(downloadBaseUrl)?.[1] ?? '';
  if (isInternalOssHost(downloadHost)) {
    throw new ConfigError(
      'HOTPATCH_DOWNLOAD_BASE_URL',
      `points at an internal OSS endpoint (${downloadHost}), which phones cannot reach; use the public endpoint or a CDN`,
    );
  }
  return {
    kind,
    bucket,
    region,
    endpoint,
    pathStyle,
    ossClient: read.oneOf('HOTPATCH_OSS_CLIENT', OSS_CLIENTS, 'http'),
    directory,
    download: {
      mode: read.oneOf('HOTPATCH_DOWNLOAD_MODE', DOWNLOAD_MODES, 'public'),
      baseUrl: downloadBaseUrl,
      expiresSeconds: read.integer('HOTPATCH_DOWNLOAD_URL_EXPIRES', { fallback: 86_400, min: 60, max: 30 * 86_400 }),
      signer: readSigner(read),
    },
  };
}

/** `HOTPATCH_DOWNLOAD_SIGNER_KEY_ID` and `HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET`: both or neither. */
function readSigner(read: EnvReader): StorageConfig['download']['signer'] {
  const accessKeyId = read.optionalString('HOTPATCH_DOWNLOAD_SIGNER_KEY_ID');
  const accessKeySecret = read.optionalString('HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET');
  if (accessKeyId === undefined && accessKeySecret === undefined) return undefined;
  // The message names the variable that is missing, never a value: one of them is a secret.
  if (accessKeyId === undefined)
    throw new ConfigError(
      'HOTPATCH_DOWNLOAD_SIGNER_KEY_ID',
      'is required when HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET is set',
    );
  if (accessKeySecret === undefined)
    throw new ConfigError(
      'HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET',
      'is required when HOTPATCH_DOWNLOAD_SIGNER_KEY_ID is set',
    );
  return { accessKeyId, accessKeySecret };
}

/**
 * The store a function uses, built once per instance from its configuration. `timeoutMs` bounds each OSS
 * request (default 60 s); the check path passes its own, short one.
 */
export function createStoreFromConfig(
  config: StorageConfig,
  credentials: CredentialsSource,
  overrides: { timeoutMs?: number } = {},
): ObjectStore {
  const downloadUrl: DownloadUrlConfig =
    config.download.mode === 'signed'
      ? {
          mode: 'signed',
          baseUrl: config.download.baseUrl,
          bucket: config.bucket,
          expiresSeconds: config.download.expiresSeconds,
          credentials: signingCredentials(config, credentials),
        }
      : { mode: 'public', baseUrl: config.download.baseUrl };
  switch (config.kind) {
    case 'memory':
      return createMemoryStore({ downloadUrl });
    case 'fs':
      return createFsStore({ directory: config.directory!, downloadUrl });
    case 'oss': {
      const ossOptions = {
        bucket: config.bucket,
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        pathStyle: config.pathStyle,
        credentials: () => credentials.current(),
        downloadUrl,
        ...(overrides.timeoutMs ? { timeoutMs: overrides.timeoutMs } : {}),
      };
      if (config.ossClient === 'http') return createOssHttpStore(ossOptions);
      // Loaded only when chosen, so function bundles need not carry ali-oss (FC's Node.js runtimes ship it).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('../storage/createOssStore') as typeof OssStoreModule).createOssStore(ossOptions);
    }
  }
}

/** Who signs download URLs: the dedicated signer keys when configured, else the function's own credentials. */
function signingCredentials(config: StorageConfig, credentials: CredentialsSource): () => SigningCredentials {
  const signer = config.download.signer;
  if (signer) return () => signer;
  return () => credentials.current();
}

/**
 * What signed download URLs will honestly live, said once at start so the operator sees it: without signer
 * keys, URLs signed with STS credentials (FC's function role) end with the token, at most
 * `STS_SIGNED_URL_MAX_SECONDS` when FC does not say when it expires. Undefined when nothing is capped.
 */
export function describeSignedUrlCap(config: StorageConfig): string | undefined {
  if (
    config.download.mode !== 'signed' ||
    config.download.signer ||
    config.download.expiresSeconds <= STS_SIGNED_URL_MAX_SECONDS
  )
    return undefined;
  return `HOTPATCH_DOWNLOAD_URL_EXPIRES is ${config.download.expiresSeconds} s, but download URLs signed with STS credentials (the function role's) live at most ${STS_SIGNED_URL_MAX_SECONDS} s (or until the token expires); set HOTPATCH_DOWNLOAD_SIGNER_KEY_ID and HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET for longer-lived URLs`;
}
