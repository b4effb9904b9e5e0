import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  AUTH_MODES,
  ConfigError,
  createEnvReader,
  DOWNLOAD_MODES,
  EXPO_KEY_ENCRYPTION_KEY_VARIABLE,
  FUNCTION_SIZING,
  MANAGEMENT_KEYS_VARIABLE,
  MAX_INSTANCE_CONCURRENCY,
  parseManagementKeys,
  readExpoKeyEncryptionKeys,
  type Env,
} from '@hotpatch/common';
import { DEFAULT_UPLOAD_PREFIX, uploadPrefixProblem } from '@hotpatch/core';
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
  downloadSignerKeyId?: string;
  downloadSignerKeySecret?: string;
  authMode?: string;
  gatewaySignatureKey?: string;
  gatewaySignatureSecret?: string;
  uploadPrefix?: string;
  checkConcurrency?: string;
  expoKeyEncryptionKey?: string;
  apiUrl?: string;
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
  const problem = uploadPrefixProblem(prefix);
  if (problem) throw new CliError(problem, { exitCode: 2 });
  return prefix;
}

/** `--check-concurrency`: getLatestBundle's instance concurrency, a whole number from 1 to MAX_INSTANCE_CONCURRENCY. */
function checkConcurrencyFrom(option: string | undefined): number {
  if (option === undefined) return FUNCTION_SIZING.getLatestBundle.instanceConcurrency;
  const value = /^\d+$/.test(option) ? Number(option) : NaN;
  if (!(value >= 1 && value <= MAX_INSTANCE_CONCURRENCY))
    throw new CliError(`--check-concurrency "${option}" must be a whole number from 1 to ${MAX_INSTANCE_CONCURRENCY}`, {
      exitCode: 2,
    });
  return value;
}

/**
 * `--expo-key-encryption-key`, then `HOTPATCH_EXPO_KEY_ENCRYPTION_KEY`: checked now by the rule getLatestBundle
 * applies at start, so a malformed key stops the deploy before anything changes instead of stopping every check
 * of the function afterwards. The message never repeats the value (it is a secret).
 */
function expoKeyEncryptionKeyFrom(option: string | undefined, env: Env): string | undefined {
  const value = option ?? (env[EXPO_KEY_ENCRYPTION_KEY_VARIABLE] || undefined);
  if (value === undefined) return undefined;
  try {
    readExpoKeyEncryptionKeys({ [EXPO_KEY_ENCRYPTION_KEY_VARIABLE]: value });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The ConfigError names the variable and the shape, never the value.
    throw new CliError(
      `--expo-key-encryption-key (or ${EXPO_KEY_ENCRYPTION_KEY_VARIABLE}) ${error.message.slice(`${error.variable}: `.length)}`,
      { exitCode: 2 },
    );
  }
  return value;
}

/**
 * `--api-url`, then `HOTPATCH_API_URL`: the URL devices reach the API at, checked by the rule getLatestBundle
 * applies at start (`optionalUrl`: http or https), so a typo stops the deploy, not every check afterwards.
 */
function apiUrlFrom(option: string | undefined, env: Env): string | undefined {
  try {
    return createEnvReader({ HOTPATCH_API_URL: option ?? env.HOTPATCH_API_URL }).optionalUrl('HOTPATCH_API_URL');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new CliError(`--api-url (or HOTPATCH_API_URL) must be an http(s) URL, e.g. https://updates.example.com`, {
      exitCode: 2,
    });
  }
}

const required = (value: string | undefined, what: string): string => {
  if (!value) throw new CliError(`${what} is required`, { exitCode: 2 });
  return value;
};

/**
 * A key pair from its two flags, else its two variables: both or neither. Flags given where the pair means
 * nothing (`applies` false) are refused; variables are then ignored (a shell may hold them for another use).
 * Messages name flags and variables, never a value.
 */
function keyPair(
  pair: { flags: [string, string]; values: [string | undefined, string | undefined]; variables: [string, string] },
  env: Env,
  applies: { when: boolean; otherwise: string },
): [string, string] | undefined {
  const given = pair.flags.filter((_, index) => pair.values[index] !== undefined);
  if (!applies.when) {
    if (given.length > 0) throw new CliError(`${given.join(' and ')}: ${applies.otherwise}`, { exitCode: 2 });
    return undefined;
  }
  const values = pair.values.map((value, index) => value ?? (env[pair.variables[index]!] || undefined));
  if (values.every((value) => value === undefined)) return undefined;
  const missing = values.findIndex((value) => value === undefined);
  const name = (index: number): string => `${pair.flags[index]} (or ${pair.variables[index]})`;
  if (missing >= 0)
    throw new CliError(`${name(missing)} is required with ${name(1 - missing)}: give both or neither`, { exitCode: 2 });
  return values as [string, string];
}

/**
 * The management keys, checked now with the rule publishBundle applies at run time, so a malformed entry
 * stops the deploy before anything changes instead of failing every management call afterwards. Behind API
 * Gateway (`gateway` mode) the gateway holds the secrets, and an entry may leave its secret empty.
 */
function checkedAppKeys(value: string, authMode: (typeof AUTH_MODES)[number]): string {
  try {
    parseManagementKeys(value, { requireSecrets: authMode === 'direct' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The ConfigError names the variable and the entry's key id, never a secret.
    throw new CliError(
      `app keys (--app-keys or ${MANAGEMENT_KEYS_VARIABLE}): ${error.message.slice(`${error.variable}: `.length)}`,
      { exitCode: 2 },
    );
  }
  return value;
}

/**
 * Where and what to deploy. Flags first, then the environment (`ALIBABA_CLOUD_ACCOUNT_ID`,
 * `ALIBABA_CLOUD_DEFAULT_REGION`, `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`/`ALIBABA_CLOUD_SECURITY_TOKEN`,
 * `HOTPATCH_FC_ENDPOINT`, `HOTPATCH_OSS_BUCKET`, `HOTPATCH_APP_KEYS`, `HOTPATCH_UPLOAD_PREFIX`,
 * `HOTPATCH_AUTH_MODE`, `HOTPATCH_GATEWAY_SIGNATURE_KEY`/`_SECRET`, `HOTPATCH_DOWNLOAD_SIGNER_KEY_ID`/`_SECRET`,
 * `HOTPATCH_EXPO_KEY_ENCRYPTION_KEY`:
 * secrets are better kept out of shell history), then fcli's config file. The download mode and base URL
 * come from flags only: a developer's shell often holds the local stack's.
 */
export function loadDeploySettings(
  options: DeployOptions,
  env: Env,
): { settings: DeploySettings; connection: FcConnection } {
  const fcli = readFcliConfig(options.fcliConfig, env);
  const fromEndpoint = /^https?:\/\/(\d+)\.([a-z0-9-]+?)(?:-internal)?\.fc\.aliyuncs\.com/.exec(fcli.endpoint ?? '');
  const accountId = required(
    options.accountId ?? (env.ALIBABA_CLOUD_ACCOUNT_ID || undefined) ?? fromEndpoint?.[1],
    'the account id (--account-id, ALIBABA_CLOUD_ACCOUNT_ID or fcli endpoint)',
  );
  const region = required(
    options.region ?? (env.ALIBABA_CLOUD_DEFAULT_REGION || undefined) ?? fromEndpoint?.[2],
    'the region (--region, ALIBABA_CLOUD_DEFAULT_REGION or fcli endpoint)',
  );
  const connection: FcConnection = {
    accountId,
    region,
    endpoint: options.fcEndpoint ?? (env.HOTPATCH_FC_ENDPOINT || undefined) ?? fcli.endpoint,
    // Not HOTPATCH_OSS_ENDPOINT: for the functions that is the internal endpoint, unreachable from here.
    ossEndpoint: options.ossEndpoint,
    accessKeyId: required(
      (env.ALIBABA_CLOUD_ACCESS_KEY_ID || undefined) ?? fcli.access_key_id,
      'an access key (ALIBABA_CLOUD_ACCESS_KEY_ID or fcli config)',
    ),
    accessKeySecret: required(
      (env.ALIBABA_CLOUD_ACCESS_KEY_SECRET || undefined) ?? fcli.access_key_secret,
      'its secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET or fcli config)',
    ),
    securityToken: (env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined) ?? (fcli.security_token || undefined),
  };
  const downloadMode = (options.downloadMode ?? 'public') as DeploySettings['downloadMode'];
  if (!DOWNLOAD_MODES.includes(downloadMode))
    throw new CliError(`download mode "${downloadMode}" must be one of ${DOWNLOAD_MODES.join(', ')}`, { exitCode: 2 });
  const signer = keyPair(
    {
      flags: ['--download-signer-key-id', '--download-signer-key-secret'],
      values: [options.downloadSignerKeyId, options.downloadSignerKeySecret],
      variables: ['HOTPATCH_DOWNLOAD_SIGNER_KEY_ID', 'HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET'],
    },
    env,
    { when: downloadMode === 'signed', otherwise: 'only with --download-mode signed (the pair signs download URLs)' },
  );
  const authMode = (options.authMode ??
    (env.HOTPATCH_AUTH_MODE || undefined) ??
    'direct') as DeploySettings['auth']['mode'];
  if (!AUTH_MODES.includes(authMode))
    throw new CliError(
      `auth mode "${authMode}" (--auth-mode or HOTPATCH_AUTH_MODE) must be one of ${AUTH_MODES.join(', ')}`,
      { exitCode: 2 },
    );
  const gatewayKey = keyPair(
    {
      flags: ['--gateway-signature-key', '--gateway-signature-secret'],
      values: [options.gatewaySignatureKey, options.gatewaySignatureSecret],
      variables: ['HOTPATCH_GATEWAY_SIGNATURE_KEY', 'HOTPATCH_GATEWAY_SIGNATURE_SECRET'],
    },
    env,
    {
      when: authMode === 'gateway',
      otherwise: "only with --auth-mode gateway (the pair is API Gateway's backend signature key)",
    },
  );
  if (authMode === 'gateway' && !gatewayKey)
    throw new CliError(
      '--auth-mode gateway needs the backend signature key pair bound to the management APIs: --gateway-signature-key and --gateway-signature-secret (or HOTPATCH_GATEWAY_SIGNATURE_KEY and HOTPATCH_GATEWAY_SIGNATURE_SECRET)',
      { exitCode: 2 },
    );
  if ((options.logProject === undefined) !== (options.logStore === undefined))
    throw new CliError('give both --log-project and --log-store, or neither', { exitCode: 2 });
  const settings: DeploySettings = {
    accountId,
    region,
    service: options.service,
    role: options.role,
    logProject: options.logProject,
    logStore: options.logStore,
    bucket: required(
      options.bucket ?? (env.HOTPATCH_OSS_BUCKET || undefined),
      'the bucket (--bucket or HOTPATCH_OSS_BUCKET)',
    ),
    invocationRole: options.invocationRole ?? `acs:ram::${accountId}:role/AliyunOSSEventNotificationRole`,
    appKeys: checkedAppKeys(
      required(
        options.appKeys ?? (env.HOTPATCH_APP_KEYS || undefined),
        "publishBundle's app keys (--app-keys key:secret or HOTPATCH_APP_KEYS)",
      ),
      authMode,
    ),
    downloadMode,
    downloadBaseUrl: options.downloadBaseUrl,
    downloadSigner: signer ? { keyId: signer[0], keySecret: signer[1] } : undefined,
    auth: gatewayKey
      ? { mode: 'gateway', signatureKey: gatewayKey[0], signatureSecret: gatewayKey[1] }
      : { mode: 'direct' },
    uploadPrefix: uploadPrefixFrom(options.uploadPrefix, env),
    checkConcurrency: checkConcurrencyFrom(options.checkConcurrency),
    expoKeyEncryptionKey: expoKeyEncryptionKeyFrom(options.expoKeyEncryptionKey, env),
    apiUrl: apiUrlFrom(options.apiUrl, env),
    artifactsDirectory: path.resolve(options.artifacts),
  };
  return { settings, connection };
}
