import { createHash, createHmac } from 'node:crypto';

/** The algorithm name of OSS V4 signatures (not AWS SigV4: other key derivation, other names). */
export const OSS_V4_ALGORITHM = 'OSS4-HMAC-SHA256';
/** The hashed-payload slot when the body is not hashed (what ali-oss and Alibaba's Go SDK always send). */
export const OSS_V4_UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** The longest lifetime OSS allows a V4 presigned URL (`x-oss-expires`), in seconds: 7 days. */
export const OSS_V4_MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/**
 * Percent-encodes UTF-8 text keeping only RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`), hex in
 * upper case: the encoding of OSS V4 canonical requests and of listings with `encoding-type=url`. With
 * `keepSlash`, `/` stays as is (the canonical URI of an object).
 */
export function ossUriEncode(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/**
 * Decodes what OSS encoded for `encoding-type=url` as Alibaba's SDKs do (Go `url.QueryUnescape`): `+` is a
 * space, `%XX` a byte of UTF-8.
 */
export function ossUriDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** The region as V4 signs it: `cn-hangzhou` for the endpoint region `oss-cn-hangzhou`. */
export function ossV4Region(region: string): string {
  return region.replace(/^oss-/, '');
}

/** `<yyyymmdd>/<region>/oss/aliyun_v4_request`. */
export function ossV4Scope(date: string, region: string): string {
  return `${date}/${region}/oss/aliyun_v4_request`;
}

/** `yyyymmddTHHMMSSZ`, the V4 form of a time (header `x-oss-date`, query `x-oss-date`). */
export function ossV4DateTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `yyyymmddTHHMMSSZ` into epoch milliseconds; NaN when malformed. */
export function parseOssV4DateTime(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return match
    ? Date.UTC(
        Number(match[1]),
        Number(match[2]) - 1,
        Number(match[3]),
        Number(match[4]),
        Number(match[5]),
        Number(match[6]),
      )
    : Number.NaN;
}

/** What the canonical request of an OSS V4 signature is made of. */
export interface OssV4SigningInput {
  method: string;
  bucket?: string;
  /** The raw (decoded) object key; empty or absent for bucket operations. */
  key?: string;
  /** Every query parameter, decoded (all of them are signed in V4; a presigned URL's `x-oss-signature` is not). */
  query: Iterable<[string, string]>;
  /** Request headers, names lower-case. `content-type`, `content-md5` and every `x-oss-*` header are signed. */
  headers: Record<string, string | undefined>;
  /** Further headers the signer chose to sign (lower-case; listed in `AdditionalHeaders`). */
  additionalHeaders?: readonly string[];
}

/** The header names a V4 signature covers: the default ones present, plus the additional ones, sorted. */
function signedHeaderNames(headers: Record<string, string | undefined>, additional: readonly string[]): string[] {
  const names = new Set(additional);
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && (name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-')))
      names.add(name);
  }
  return [...names].sort();
}

/**
 * The OSS V4 canonical request: verb, canonical URI (`/bucket/key`, encoded, `/` kept), canonical query
 * (names and values encoded, sorted by name, `name` alone for an empty value), canonical headers, the
 * additional header names, and the hashed payload (`x-oss-content-sha256` or `UNSIGNED-PAYLOAD`).
 */
export function ossV4CanonicalRequest(input: OssV4SigningInput): string {
  const uri = ossUriEncode(`/${input.bucket === undefined ? '' : `${input.bucket}/`}${input.key ?? ''}`, true);
  const pairs = new Map<string, string>();
  for (const [name, value] of input.query) pairs.set(ossUriEncode(name), ossUriEncode(value));
  const query = [...pairs.keys()]
    .sort()
    .map((name) => (pairs.get(name) ? `${name}=${pairs.get(name)}` : name))
    .join('&');
  const additional = [...(input.additionalHeaders ?? [])];
  const headers = signedHeaderNames(input.headers, additional)
    .map((name) => `${name}:${(input.headers[name] ?? '').trim()}\n`)
    .join('');
  return [
    input.method.toUpperCase(),
    uri,
    query,
    headers,
    additional.join(';'),
    input.headers['x-oss-content-sha256'] ?? OSS_V4_UNSIGNED_PAYLOAD,
  ].join('\n');
}

/** `OSS4-HMAC-SHA256`, the time, the scope and the hex SHA-256 of the canonical request, one per line. */
export function ossV4StringToSign(dateTime: string, scope: string, canonicalRequest: string): string {
  return [OSS_V4_ALGORITHM, dateTime, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join(
    '\n',
  );
}

/** Hex HMAC-SHA256 of the string to sign with the key derived from the secret, the date and the region. */
export function ossV4Signature(accessKeySecret: string, date: string, region: string, stringToSign: string): string {
  let key: Buffer = createHmac('sha256', `aliyun_v4${accessKeySecret}`).update(date).digest();
  for (const part of [region, 'oss', 'aliyun_v4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}
