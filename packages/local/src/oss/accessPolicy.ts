import { OSS_SIGNED_SUBRESOURCES } from '@hotpatch/common';
import { OssRequestError } from './OssRequestError';

/** Who may read a bucket without a signature; writes and listings are always signed. */
export interface BucketAccess {
  /** Bucket ACL public-read: anonymous GET/HEAD of every object. */
  publicRead: boolean;
  /**
   * A bucket policy granting anonymous `GetObject` on these key prefixes only (bucket ACL private), as
   * production does for content (`publicReadPrefixes` of @hotpatch/core).
   */
  anonymousReadPrefixes?: readonly string[];
}

const denied = (): OssRequestError =>
  new OssRequestError(403, 'AccessDenied', 'You have no right to access this object because of bucket acl.');

/**
 * Decides an unsigned request as OSS does for a private bucket with an anonymous-read policy (or a
 * public-read ACL): only GET/HEAD of an object the bucket exposes, with no sub-resource (ACL, tagging,
 * multipart…). `response-*` overrides are refused without a signature (OSS does not let anonymous requests
 * choose response headers). `key` must already be validated (no `..` segment can reach a prefix check).
 */
export function checkAnonymousRequest(
  access: BucketAccess | undefined,
  method: string,
  key: string,
  query: URLSearchParams,
): void {
  if (!access || key === '' || (method !== 'GET' && method !== 'HEAD')) throw denied();
  const readable = access.publicRead || (access.anonymousReadPrefixes ?? []).some((prefix) => key.startsWith(prefix));
  if (!readable) throw denied();
  for (const name of query.keys()) {
    if (name.startsWith('response-'))
      throw new OssRequestError(
        400,
        'InvalidRequest',
        `Anonymous requests cannot override response headers (${name}): sign the request.`,
      );
    if (OSS_SIGNED_SUBRESOURCES.has(name)) throw denied();
  }
}
