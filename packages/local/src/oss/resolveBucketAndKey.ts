import { isIP } from 'node:net';
import { OssRequestError } from './OssRequestError';

export interface BucketAndKey {
  /** Undefined for service-level requests (`GET /` on the server's own name). */
  bucket: string | undefined;
  /** The decoded object key; empty for bucket-level requests. */
  key: string;
}

/**
 * Where OSS requests name their bucket. ali-oss pointed at an IP endpoint keeps the IP in the URL but sends
 * `Host: <bucket>.<region>.aliyuncs.com` (virtual-host style); with `sldEnable` or a plain host name it puts
 * the bucket first in the path. So: the Host's first label is the bucket unless the Host is an IP address,
 * `localhost` or one of the server's own names, in which case the first path segment is.
 */
export function resolveBucketAndKey(
  hostHeader: string | undefined,
  rawPath: string,
  ownHostnames: ReadonlySet<string>,
): BucketAndKey {
  const host = (hostHeader ?? '')
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new OssRequestError(400, 'InvalidURI', 'The request path is not valid percent-encoding.');
  }
  const pathStyle = host === '' || isIP(host) !== 0 || host === 'localhost' || ownHostnames.has(host);
  if (pathStyle) {
    const withoutSlash = path.replace(/^\//, '');
    if (withoutSlash === '') return { bucket: undefined, key: '' };
    const slash = withoutSlash.indexOf('/');
    return slash < 0
      ? { bucket: withoutSlash, key: '' }
      : { bucket: withoutSlash.slice(0, slash), key: withoutSlash.slice(slash + 1) };
  }
  const bucket = host.split('.')[0]!;
  return { bucket, key: path.replace(/^\//, '') };
}
