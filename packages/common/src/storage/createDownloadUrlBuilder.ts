import { encodeObjectKeyForUrl, signOssUrl, type OssCredentials } from '../signing/ossV1Signature';

/**
 * How phones reach release content:
 * - `public`: a public-read bucket URL or a CDN base URL; the key is appended.
 * - `signed`: presigned OSS URLs for a private bucket, valid for `expiresSeconds` (set it longer than any
 *   cache in front of the check API, or a cached answer would hand out an expired link).
 */
export type DownloadUrlConfig =
  | { mode: 'public'; baseUrl: string }
  | {
      mode: 'signed';
      baseUrl: string;
      bucket: string;
      expiresSeconds: number;
      credentials: () => OssCredentials;
    };

/** Signed URLs expire on this grid, so the same key yields the same URL for a while and caches can reuse it. */
const SIGNED_URL_GRID_SECONDS = 3600;

export function createDownloadUrlBuilder(config: DownloadUrlConfig, now: () => number = Date.now): (key: string) => string {
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  if (config.mode === 'public') return (key) => `${baseUrl}/${encodeObjectKeyForUrl(key)}`;
  return (key) => {
    const earliestExpiry = Math.floor(now() / 1000) + config.expiresSeconds;
    const expires = Math.ceil(earliestExpiry / SIGNED_URL_GRID_SECONDS) * SIGNED_URL_GRID_SECONDS;
    return signOssUrl({ credentials: config.credentials(), baseUrl, bucket: config.bucket, key, expires });
  };
}
