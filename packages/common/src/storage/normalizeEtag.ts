/**
 * ETags in one form everywhere: upper-case hex without quotes, as OSS trigger events carry them. ali-oss
 * returns them quoted (`"5B3C…"`), HTTP caches may add a weak prefix (`W/`).
 */
export function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toUpperCase();
}

/** The form HTTP headers carry: quoted. */
export function quoteEtag(etag: string): string {
  return `"${normalizeEtag(etag)}"`;
}
