import { encodeObjectKeyForUrl, signOssUrl, type OssCredentials } from '../signing/ossV1Signature';

/** Credentials that sign download URLs; `expiresAt` (epoch ms) when the source says when they stop working. */
export interface SigningCredentials extends OssCredentials {
  expiresAt?: number;
}

/**
 * How phones reach release content:
 * - `public`: a public-read bucket URL or a CDN base URL; the key is appended.
 * - `signed`: presigned OSS URLs for a private bucket, valid for `expiresSeconds` (set it longer than any
 *   cache in front of the check API, or a cached answer would hand out an expired link). A presigned URL
 *   works only while the credentials that signed it do: signed with STS credentials (a `securityToken`, such
 *   as FC's function role) its lifetime is capped, see `STS_SIGNED_URL_MAX_SECONDS`.
 */
export type DownloadUrlConfig =
  | { mode: 'public'; baseUrl: string }
  | {
      mode: 'signed';
      baseUrl: string;
      bucket: string;
      expiresSeconds: number;
      credentials: () => SigningCredentials;
    };

/** Signed URLs expire on this grid, so the same key yields the same URL for a while and caches can reuse it. */
const SIGNED_URL_GRID_SECONDS = 3600;

/** The finer grid of capped URLs: rounding them up to the hour would promise more than the token may hold. */
const CAPPED_URL_GRID_SECONDS = 60;

/**
 * The longest lifetime given to a URL signed with STS credentials whose expiry is unknown (FC's
 * `context.credentials` carries none): OSS refuses a presigned URL once its security token has expired,
 * whatever its `Expires` says, and a role's STS token is issued for about an hour. Longer-lived URLs need
 * dedicated credentials (`HOTPATCH_DOWNLOAD_SIGNER_KEY_ID` / `HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET`).
 */
export const STS_SIGNED_URL_MAX_SECONDS = 3600;

/**
 * How long a URL signed now with these credentials can honestly live, in seconds: `requested` for long-lived
 * keys; for STS credentials at most until they expire (when known), else at most `STS_SIGNED_URL_MAX_SECONDS`.
 */
export function signedUrlLifetimeSeconds(requested: number, credentials: SigningCredentials, nowMs: number): number {
  if (!credentials.securityToken) return requested;
  const tokenLeft =
    credentials.expiresAt === undefined
      ? STS_SIGNED_URL_MAX_SECONDS
      : Math.floor((credentials.expiresAt - nowMs) / 1000);
  return Math.max(0, Math.min(requested, tokenLeft));
}

export function createDownloadUrlBuilder(
  config: DownloadUrlConfig,
  now: () => number = Date.now,
): (key: string) => string {
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  if (config.mode === 'public') return (key) => `${baseUrl}/${encodeObjectKeyForUrl(key)}`;
  return (key) => {
    const credentials = config.credentials();
    const nowMs = now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const lifetime = signedUrlLifetimeSeconds(config.expiresSeconds, credentials, nowMs);
    // Long-lived keys: round the expiry up to the hour, so a URL lasts at least what was asked and repeats
    // for an hour. STS: round down to the minute, so it never outlives the credentials that signed it.
    const expires = !credentials.securityToken
      ? Math.ceil((nowSeconds + lifetime) / SIGNED_URL_GRID_SECONDS) * SIGNED_URL_GRID_SECONDS
      : Math.floor((nowSeconds + lifetime) / CAPPED_URL_GRID_SECONDS) * CAPPED_URL_GRID_SECONDS;
    return signOssUrl({ credentials, baseUrl, bucket: config.bucket, key, expires });
  };
}
