import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DOWNLOAD_MODES, FUNCTION_SIZING, MAX_INSTANCE_CONCURRENCY, type Env } from '@hotpatch/common';
import { DEFAULT_UPLOAD_PREFIX, UPLOAD_PREFIX_PATTERN } from '@hotpatch/core';
import { parse as parseYaml } from 'yaml';
import { CliError } from '../CliError';
import type { DeploySettings } from './desiredState';

export interface DeployOptions {
  bucket?: string;
  appKeys?: string;
  service: string;
  role?: string;
  logProject?: string;
  logStore?: string;
  invocationRole?: string;
  downloadMode?: string;
  downloadBaseUrl?: string;
  uploadPrefix?: string;
  checkConcurrency?: string;
  ossEndpoint?: string;
  artifacts: string;
  accountId?: string;
  region?: string;
  fcEndpoint?: string;
  fcliConfig?: string;
}

export interface FcConnection {
  accountId: string;
  region: string;
  endpoint: string | undefined;
  /** The OSS endpoint for the bucket policy step (default the region's public one). */
  ossEndpoint: string | undefined;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string | undefined;
}

interface FcliConfig {
  endpoint?: string;
  access_key_id?: string;
  access_key_secret?: string;
  security_token?: string;
}

/** fcli's `~/.fcli/config.yaml`, when present (docs/protocols/aliyun.md §4). */
function readFcliConfig(file: string | undefined, env: Env): FcliConfig {
  const location = file ?? path.join(env.HOME ?? homedir(), '.fcli', 'config.yaml');
  if (!existsSync(location)) {
    if (file) throw new CliError(`fcli config ${file} does not exist`);
    return {};
  }
  try {
    return (parseYaml(readFileSync(location, 'utf8')) as FcliConfig | null) ?? {};
  } catch (error) {
    throw new CliError(`fcli config ${location} is not valid YAML: ${(error as Error).message}`);
  }
}


/** `--upload-prefix`, then `HOTPATCH_UPLOAD_PREFIX`, then the default; the trigger, the functions and the uploader policy use it. */
export function uploadPrefixFrom(option: string | undefined, env: Env): string {
  const prefix = option ?? (env.HOTPATCH_UPLOAD_PREFIX || undefined) ?? DEFAULT_UPLOAD_PREFIX;
  if (!UPLOAD_PREFIX_PATTERN.test(prefix)) throw new CliError(`upload prefix "${prefix}" must be a key prefix ending in / (like ${DEFAULT_UPLOAD_PREFIX})`, { exitCode: 2 });
  return prefix;
}

/** `--check-concurrency`: getLatestBundle's instance concurrency, a whole number from 1 to MAX_INSTANCE_CONCURRENCY. */
export function checkConcurrencyFrom(option: string | undefined): number {
  if (option === undefined) return FUNCTION_SIZING.getLatestBundle.instanceConcurrency;
  const value = /^\d+$/.test(option) ? Number(option) : NaN;
  if (!(value >= 1 && value <= MAX_INSTANCE_CONCURRENCY)) throw new CliError(`--check-concurrency "${option}" must be a whole number from 1 to ${MAX_INSTANCE_CONCURRENCY}`, { exitCode: 2 });
  return value;
}

const required = (value: string | undefined, what: string): string => {
  if (!value) throw new CliError(`${what} is required`, { exitCode: 2 });
  return value;
};

/**
 * Where and what to deploy. Flags first, then the environment (`ALIBABA_CLOUD_ACCOUNT_ID`,
 * `ALIBABA_CLOUD_DEFAULT_REGION`, `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`/`ALIBABA_CLOUD_SECURITY_TOKEN`,
 * `HOTPATCH_FC_ENDPOINT`, `HOTPATCH_OSS_BUCKET`, `HOTPATCH_APP_KEYS`, `HOTPATCH_UPLOAD_PREFIX`), then fcli's
 * config file. The download settings come from flags only: a developer's shell often holds the local stack's.
 */
export function loadDeploySettings(options: DeployOptions, env: Env): { settings: DeploySettings; connection: FcConnection } {
  const fcli = readFcliConfig(options.fcliConfig, env);
  const fromEndpoint = /^https?:\/\/(\d+)\.([a-z0-9-]+?)(?:-internal)?\.fc\.aliyuncs\.com/.exec(fcli.endpoint ?? '');
  const accountId = required(options.accountId ?? (env.ALIBABA_CLOUD_ACCOUNT_ID || undefined) ?? fromEndpoint?.[1], 'the account id (--account-id, ALIBABA_CLOUD_ACCOUNT_ID or fcli endpoint)');
  const region = required(options.region ?? (env.ALIBABA_CLOUD_DEFAULT_REGION || undefined) ?? fromEndpoint?.[2], 'the region (--region, ALIBABA_CLOUD_DEFAULT_REGION or fcli endpoint)');
  const connection: FcConnection = {
    accountId,
    region,
    endpoint: options.fcEndpoint ?? (env.HOTPATCH_FC_ENDPOINT || undefined) ?? fcli.endpoint,
    // Not HOTPATCH_OSS_ENDPOINT: for the functions that is the internal endpoint, unreachable from here.
    ossEndpoint: options.ossEndpoint,
    accessKeyId: required((env.ALIBABA_CLOUD_ACCESS_KEY_ID || undefined) ?? fcli.access_key_id, 'an access key (ALIBABA_CLOUD_ACCESS_KEY_ID or fcli config)'),
    accessKeySecret: required((env.ALIBABA_CLOUD_ACCESS_KEY_SECRET || undefined) ?? fcli.access_key_secret, 'its secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET or fcli config)'),
    securityToken: (env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined) ?? (fcli.security_token || undefined),
  };
  const downloadMode = (options.downloadMode ?? 'public') as DeploySettings['downloadMode'];
  if (!DOWNLOAD_MODES.includes(downloadMode)) throw new CliError(`download mode "${downloadMode}" must be one of ${DOWNLOAD_MODES.join(', ')}`, { exitCode: 2 });
  if ((options.logProject === undefined) !== (options.logStore === undefined)) throw new CliError('give both --log-project and --log-store, or neither', { exitCode: 2 });
  const settings: DeploySettings = {
    accountId,
    region,
    service: options.service,
    role: options.role,
    logProject: options.logProject,
    logStore: options.logStore,
    bucket: required(options.bucket ?? (env.HOTPATCH_OSS_BUCKET || undefined), 'the bucket (--bucket or HOTPATCH_OSS_BUCKET)'),
    invocationRole: options.invocationRole ?? `acs:ram::${accountId}:role/AliyunOSSEventNotificationRole`,
    appKeys: required(options.appKeys ?? (env.HOTPATCH_APP_KEYS || undefined), "publishBundle's app keys (--app-keys key:secret or HOTPATCH_APP_KEYS)"),
    downloadMode,
    downloadBaseUrl: options.downloadBaseUrl,
    uploadPrefix: uploadPrefixFrom(options.uploadPrefix, env),
    checkConcurrency: checkConcurrencyFrom(options.checkConcurrency),
    artifactsDirectory: path.resolve(options.artifacts),
  };
  return { settings, connection };
}
