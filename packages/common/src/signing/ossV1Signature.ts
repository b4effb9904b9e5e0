import { createHmac } from 'node:crypto';

/** A key pair OSS accepts; `securityToken` is set for STS credentials (FC's function role). */
export interface OssCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** What the string to sign of an OSS V1 signature is made of. Header names must be lower-case. */
export interface OssV1SigningInput {
  method: string;
  headers: Record<string, string | undefined>;
  /** The Date slot: the `x-oss-date`/`Date` header for a request, the `Expires` epoch seconds for a signed URL. */
  date: string;
  bucket?: string;
  /** The raw (decoded) object key. */
  key?: string;
  /** Signed sub-resources (`uploads`, `uploadId`, `partNumber`, `continuation-token`, `security-token`, …). */
  subresources?: Record<string, string | undefined>;
}

/**
 * The query parameters OSS signs as sub-resources. Anything else in a query string (`prefix`, `max-keys`,
 * `list-type`, …) is not part of the signature.
 */
export const OSS_SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'uploads',
  'location',
  'cors',
  'logging',
  'website',
  'referer',
  'lifecycle',
  'delete',
  'append',
  'tagging',
  'objectMeta',
  'uploadId',
  'partNumber',
  'security-token',
  'position',
  'img',
  'style',
  'styleName',
  'replication',
  'replicationProgress',
  'replicationLocation',
  'cname',
  'bucketInfo',
  'comp',
  'qos',
  'live',
  'status',
  'vod',
  'startTime',
  'endTime',
  'symlink',
  'x-oss-process',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'udf',
  'udfName',
  'udfImage',
  'udfId',
  'udfImageDesc',
  'udfApplication',
  'udfApplicationLog',
  'restore',
  'callback',
  'callback-var',
  'policy',
  'encryption',
  'versions',
  'versioning',
  'versionId',
  'continuation-token',
  'x-oss-traffic-limit',
  'worm',
  'wormId',
  'wormExtend',
  'inventory',
  'requestPayment',
  'stat',
  'objectInfo',
]);

/** `/bucket/key?sub&sub=value`, sub-resources sorted by name (OSS's CanonicalizedResource). */
export function canonicalizedResource(
  bucket: string | undefined,
  key: string | undefined,
  subresources: Record<string, string | undefined> = {},
): string {
  let resource = bucket === undefined ? '/' : `/${bucket}/${key ?? ''}`;
  const names = Object.keys(subresources).sort();
  if (names.length > 0) {
    resource += '?' + names.map((name) => (subresources[name] ? `${name}=${subresources[name]}` : name)).join('&');
  }
  return resource;
}

/** OSS V1 StringToSign: VERB, Content-MD5, Content-Type, Date, then `x-oss-*` headers, then the resource. */
export function ossV1StringToSign(input: OssV1SigningInput): string {
  const ossHeaders = Object.keys(input.headers)
    .filter((name) => name.startsWith('x-oss-') && input.headers[name] !== undefined)
    .sort()
    .map((name) => `${name}:${String(input.headers[name]).trim()}\n`)
    .join('');
  return (
    `${input.method.toUpperCase()}\n${input.headers['content-md5'] ?? ''}\n${input.headers['content-type'] ?? ''}\n${input.date}\n` +
    ossHeaders +
    canonicalizedResource(input.bucket, input.key, input.subresources)
  );
}

/** Base64 HMAC-SHA1 of the string to sign with the secret. */
export function ossV1Signature(accessKeySecret: string, stringToSign: string): string {
  return createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Encodes an object key for a URL path the way ali-oss does: each character percent-encoded except the
 * unreserved ones and `/`.
 */
export function encodeObjectKeyForUrl(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

export interface SignedUrlInput {
  credentials: OssCredentials;
  /** Where the bucket is reached, e.g. `https://bucket.oss-cn-shanghai.aliyuncs.com` or `http://127.0.0.1:3001/bucket`. */
  baseUrl: string;
  bucket: string;
  key: string;
  /** Epoch seconds after which OSS refuses the URL. */
  expires: number;
  method?: string;
}

/** A presigned OSS V1 URL (`OSSAccessKeyId`, `Expires`, `Signature`, and `security-token` for STS). */
export function signOssUrl(input: SignedUrlInput): string {
  const subresources: Record<string, string> = {};
  if (input.credentials.securityToken) subresources['security-token'] = input.credentials.securityToken;
  const stringToSign = ossV1StringToSign({
    method: input.method ?? 'GET',
    headers: {},
    date: String(input.expires),
    bucket: input.bucket,
    key: input.key,
    subresources,
  });
  const query = new URLSearchParams({
    OSSAccessKeyId: input.credentials.accessKeyId,
    Expires: String(input.expires),
    Signature: ossV1Signature(input.credentials.accessKeySecret, stringToSign),
    ...subresources,
  });
  return `${input.baseUrl.replace(/\/+$/, '')}/${encodeObjectKeyForUrl(input.key)}?${query.toString()}`;
}
