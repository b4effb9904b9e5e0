import {
  createEnvReader,
  readCatalogTtlSeconds,
  readExpoKeyEncryptionKeys,
  readTimerSeconds,
  type Env,
} from '@hotpatch/common';

export interface CheckConfig {
  /** How long a warm instance serves a catalog or app record from memory before revalidating it. */
  catalogTtlMs: number;
  /** Each storage request of this function gives up after this long, so a stalled OSS holds no device. */
  storageTimeoutMs: number;
  /** How long past its TTL a cached catalog, app record or deployment key is still answered while storage fails. */
  staleIfErrorMs: number;
  /** Open the apps' Expo signing keys stored in the bucket, current first; none: no app can sign (docs/security.md). */
  expoKeyEncryptionKeys?: readonly Buffer[];
  /** How often a warm instance writes its buffered Expo launch signals: the fold's period (default 60 s). */
  signalFlushSeconds?: number;
  /** The URL devices reach the API at: Expo launch assets are then served by the route that sends patches. */
  apiUrl?: string;
}

/**
 * `HOTPATCH_CATALOG_TTL_SECONDS` (default 10, 0 revalidates on every request, at most 3600),
 * `HOTPATCH_CHECK_STORAGE_TIMEOUT_MS` (default 2500, 100–30000) and `HOTPATCH_STALE_IF_ERROR_SECONDS`
 * (default 300, 0 fails at once, at most 3600); `HOTPATCH_EXPO_KEY_ENCRYPTION_KEY` (32 bytes in base64, comma-separated while rotating; optional);
 * `HOTPATCH_TIMER_SECONDS` (the fold's period, default 60: when buffered signals are written);
 * `HOTPATCH_API_URL` (the API's public URL, optional: without it Expo launch assets are never patched).
 */
export function loadCheckConfig(env: Env): CheckConfig {
  const read = createEnvReader(env);
  const apiUrl = read.optionalUrl('HOTPATCH_API_URL');
  return {
    catalogTtlMs: readCatalogTtlSeconds(env) * 1000,
    storageTimeoutMs: read.integer('HOTPATCH_CHECK_STORAGE_TIMEOUT_MS', { fallback: 2500, min: 100, max: 30_000 }),
    staleIfErrorMs: read.integer('HOTPATCH_STALE_IF_ERROR_SECONDS', { fallback: 300, min: 0, max: 3600 }) * 1000,
    expoKeyEncryptionKeys: readExpoKeyEncryptionKeys(env),
    signalFlushSeconds: readTimerSeconds(env),
    ...(apiUrl ? { apiUrl } : {}),
  };
}
