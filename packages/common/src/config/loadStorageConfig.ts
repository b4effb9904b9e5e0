import { createFsStore } from '../storage/createFsStore';
import { createMemoryStore } from '../storage/createMemoryStore';
import { createOssHttpStore } from '../storage/createOssHttpStore';
import type { DownloadUrlConfig } from '../storage/createDownloadUrlBuilder';
import type { ObjectStore } from '../storage/ObjectStore';
import type { CredentialsSource } from './createCredentialsSource';
import { createEnvReader, type Env } from './createEnvReader';

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
  download: { mode: (typeof DOWNLOAD_MODES)[number]; baseUrl: string; expiresSeconds: number };
}

/**
 * Storage settings from the environment:
 * `HOTPATCH_STORAGE` (oss | fs | memory, default oss), `HOTPATCH_OSS_BUCKET` (required for oss),
 * `HOTPATCH_OSS_REGION` (default oss-cn-hangzhou), `HOTPATCH_OSS_ENDPOINT`, `HOTPATCH_OSS_PATH_STYLE`,
 * `HOTPATCH_OSS_CLIENT` (http | ali-oss, default http), `HOTPATCH_FS_DIR` (required for fs), `HOTPATCH_DOWNLOAD_MODE` (public | signed, default public),
 * `HOTPATCH_DOWNLOAD_BASE_URL` (default the bucket's public URL), `HOTPATCH_DOWNLOAD_URL_EXPIRES` (seconds,
 * default 86400).
 */
export function loadStorageConfig(env: Env): StorageConfig {
  const read = createEnvReader(env);
  const kind = read.oneOf('HOTPATCH_STORAGE', STORAGE_KINDS, 'oss');
  const bucket = read.string('HOTPATCH_OSS_BUCKET', { ...(kind === 'oss' ? {} : { fallback: 'hotpatch' }), pattern: BUCKET_NAME, hint: 'an OSS bucket name' });
  const region = read.string('HOTPATCH_OSS_REGION', { fallback: 'oss-cn-hangzhou', pattern: /^oss-[a-z0-9-]+$/, hint: 'like oss-cn-shanghai' });
  const endpoint = read.optionalUrl('HOTPATCH_OSS_ENDPOINT');
  const directory = kind === 'fs' ? read.string('HOTPATCH_FS_DIR', { hint: 'the folder of the filesystem store' }) : undefined;
  const pathStyle = read.oneOf('HOTPATCH_OSS_PATH_STYLE', ['true', 'false'], 'false') === 'true';
  const bucketUrl = endpoint
    ? pathStyle ? `${endpoint}/${bucket}` : `${endpoint.replace('://', `://${bucket}.`)}`
    : `https://${bucket}.${region}.aliyuncs.com`;
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
      baseUrl: read.url('HOTPATCH_DOWNLOAD_BASE_URL', bucketUrl),
      expiresSeconds: read.integer('HOTPATCH_DOWNLOAD_URL_EXPIRES', { fallback: 86_400, min: 60, max: 30 * 86_400 }),
    },
  };
}

/**
 * The store a function uses, built once per instance from its configuration. `timeoutMs` bounds each OSS
 * request (default 60 s); the check path passes its own, short one.
 */
export function createStoreFromConfig(config: StorageConfig, credentials: CredentialsSource, overrides: { timeoutMs?: number } = {}): ObjectStore {
  const downloadUrl: DownloadUrlConfig = config.download.mode === 'signed'
    ? { mode: 'signed', baseUrl: config.download.baseUrl, bucket: config.bucket, expiresSeconds: config.download.expiresSeconds, credentials: () => credentials.current() }
    : { mode: 'public', baseUrl: config.download.baseUrl };
  switch (config.kind) {
    case 'memory':
      return createMemoryStore({ downloadUrl });
    case 'fs':
      return createFsStore({ directory: config.directory!, downloadUrl });
    case 'oss': {
      const ossOptions = { bucket: config.bucket, region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}), pathStyle: config.pathStyle, credentials: () => credentials.current(), downloadUrl, ...(overrides.timeoutMs ? { timeoutMs: overrides.timeoutMs } : {}) };
      if (config.ossClient === 'http') return createOssHttpStore(ossOptions);
      // Loaded only when chosen, so function bundles need not carry ali-oss (FC's Node.js runtimes ship it).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('../storage/createOssStore') as typeof import('../storage/createOssStore')).createOssStore(ossOptions);
    }
  }
}
