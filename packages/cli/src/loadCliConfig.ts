import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Env } from '@hotpatch/common';
import { DEFAULT_UPLOAD_PREFIX, uploadPrefixProblem } from '@hotpatch/core';
import { CliError } from './CliError';

/** Where the CLI talks to: the API (signed management + check) and OSS (uploads). */
export interface CliConfig {
  endpoint: string;
  appKey: string;
  appSecret: string;
  /** Where releases are uploaded: uploadBundle's trigger prefix (`HOTPATCH_UPLOAD_PREFIX`). */
  uploadPrefix: string;
  oss: {
    endpoint: string | undefined;
    region: string;
    bucket: string;
    accessKeyId: string;
    accessKeySecret: string;
    securityToken: string | undefined;
  };
}

/** The local stack's defaults (`npm start`): with nothing configured, the CLI talks to it. */
const LOCAL_DEFAULTS = {
  endpoint: 'http://127.0.0.1:3000',
  appKey: 'hotpatch-dev-app-key',
  appSecret: 'hotpatch-dev-app-secret',
  ossEndpoint: 'http://127.0.0.1:3001',
  ossRegion: 'oss-cn-hangzhou',
  ossBucket: 'hotpatch',
  accessKeyId: 'hotpatch-dev-key-id',
  accessKeySecret: 'hotpatch-dev-key-secret',
} as const;

/** Global options as commander parses them. */
export interface ConnectionOptions {
  endpoint?: string;
  appKey?: string;
  appSecret?: string;
  ossEndpoint?: string;
  ossRegion?: string;
  ossBucket?: string;
  uploadPrefix?: string;
  config?: string;
}

type FileConfig = Partial<
  Record<
    | 'endpoint'
    | 'appKey'
    | 'appSecret'
    | 'ossEndpoint'
    | 'ossRegion'
    | 'ossBucket'
    | 'uploadPrefix'
    | 'accessKeyId'
    | 'accessKeySecret',
    string
  >
>;

function readConfigFile(file: string, explicit: boolean): FileConfig {
  if (!existsSync(file)) {
    if (explicit) throw new CliError(`config file ${file} does not exist`);
    return {};
  }
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (error) {
    throw new CliError(`config file ${file} is not a JSON object: ${(error as Error).message}`);
  }
}

function readUploadPrefix(value: string): string {
  const problem = uploadPrefixProblem(value);
  if (problem) throw new CliError(problem);
  return value;
}

/**
 * Flags first, then environment (`HOTPATCH_ENDPOINT`, `HOTPATCH_APP_KEY`, `HOTPATCH_APP_SECRET`,
 * `HOTPATCH_OSS_ENDPOINT`, `HOTPATCH_OSS_REGION`, `HOTPATCH_OSS_BUCKET`, `HOTPATCH_UPLOAD_PREFIX`, `ALIBABA_CLOUD_ACCESS_KEY_ID`,
 * `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`), then the config file (`--config`,
 * `HOTPATCH_CONFIG`, or `~/.hotpatch/config.json`), then the local stack's defaults.
 */
export function loadCliConfig(flags: ConnectionOptions, env: Env): CliConfig {
  const explicitFile = flags.config ?? env.HOTPATCH_CONFIG;
  const file = readConfigFile(
    explicitFile ?? path.join(env.HOME ?? homedir(), '.hotpatch', 'config.json'),
    explicitFile !== undefined,
  );
  const pick = (flag: string | undefined, envName: string, fileValue: string | undefined, fallback: string): string =>
    flag ?? (env[envName] || undefined) ?? fileValue ?? fallback;
  const ossEndpoint = flags.ossEndpoint ?? (env.HOTPATCH_OSS_ENDPOINT || undefined) ?? file.ossEndpoint;
  const usingLocalOss = ossEndpoint === undefined && !env.HOTPATCH_OSS_REGION && !file.ossRegion && !flags.ossRegion;
  return {
    endpoint: pick(flags.endpoint, 'HOTPATCH_ENDPOINT', file.endpoint, LOCAL_DEFAULTS.endpoint).replace(/\/+$/, ''),
    appKey: pick(flags.appKey, 'HOTPATCH_APP_KEY', file.appKey, LOCAL_DEFAULTS.appKey),
    appSecret: pick(flags.appSecret, 'HOTPATCH_APP_SECRET', file.appSecret, LOCAL_DEFAULTS.appSecret),
    uploadPrefix: readUploadPrefix(
      pick(flags.uploadPrefix, 'HOTPATCH_UPLOAD_PREFIX', file.uploadPrefix, DEFAULT_UPLOAD_PREFIX),
    ),
    oss: {
      endpoint: usingLocalOss ? LOCAL_DEFAULTS.ossEndpoint : ossEndpoint,
      region: pick(flags.ossRegion, 'HOTPATCH_OSS_REGION', file.ossRegion, LOCAL_DEFAULTS.ossRegion),
      bucket: pick(flags.ossBucket, 'HOTPATCH_OSS_BUCKET', file.ossBucket, LOCAL_DEFAULTS.ossBucket),
      accessKeyId: pick(undefined, 'ALIBABA_CLOUD_ACCESS_KEY_ID', file.accessKeyId, LOCAL_DEFAULTS.accessKeyId),
      accessKeySecret: pick(
        undefined,
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
        file.accessKeySecret,
        LOCAL_DEFAULTS.accessKeySecret,
      ),
      securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined,
    },
  };
}
