import { ConfigError, createEnvReader, readCatalogTtlSeconds, readUploadPrefix, type Env } from '@hotpatch/common';

export interface PublishConfig {
  /** App key → app secret: the key pairs whose signatures are accepted. */
  appKeys: ReadonlyMap<string, string>;
  uploadPrefix: string;
  /** The check path's catalog TTL (absent: `DEFAULT_CATALOG_TTL_SECONDS`): every change answers that devices see it within this many seconds. */
  catalogTtlSeconds?: number;
}

const APP_KEY = /^[A-Za-z0-9_-]{4,64}$/;
const MIN_SECRET_LENGTH = 16;

/**
 * `HOTPATCH_APP_KEYS` (required): `key:secret[,key:secret…]`, the API Gateway app key pairs allowed to manage
 * releases (secrets at least 16 characters). `HOTPATCH_UPLOAD_PREFIX` (default `uploads/`).
 * `HOTPATCH_CATALOG_TTL_SECONDS`, the same value getLatestBundle runs with (default 10).
 */
export function loadPublishConfig(env: Env): PublishConfig {
  const read = createEnvReader(env);
  const pairs = read.string('HOTPATCH_APP_KEYS', { hint: 'key:secret pairs, comma-separated' });
  const appKeys = new Map<string, string>();
  for (const pair of pairs.split(',')) {
    const separator = pair.indexOf(':');
    const key = pair.slice(0, separator).trim();
    const secret = pair.slice(separator + 1).trim();
    if (separator < 0 || !APP_KEY.test(key)) throw new ConfigError('HOTPATCH_APP_KEYS', 'each entry must be key:secret with a key of 4-64 letters, digits, "_" or "-"');
    if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError('HOTPATCH_APP_KEYS', `the secret of ${key} is shorter than ${MIN_SECRET_LENGTH} characters`);
    appKeys.set(key, secret);
  }
  return { appKeys, uploadPrefix: readUploadPrefix(env), catalogTtlSeconds: readCatalogTtlSeconds(env) };
}
