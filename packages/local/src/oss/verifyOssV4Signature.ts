import { timingSafeEqual } from 'node:crypto';
import {
  OSS_V4_ALGORITHM,
  OSS_V4_MAX_EXPIRES_SECONDS,
  OSS_V4_UNSIGNED_PAYLOAD,
  ossV4CanonicalRequest,
  ossV4Region,
  ossV4Scope,
  ossV4Signature,
  ossV4StringToSign,
  parseOssV4DateTime,
  type OssCredentials,
} from '@hotpatch/common';
import { OssRequestError } from './OssRequestError';

/** How far a signed request's date may be from the server's clock (OSS: 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface V4CheckInput {
  method: string;
  /** Header values as single strings, names lower-case. */
  headers: Record<string, string | undefined>;
  query: URLSearchParams;
  bucket: string | undefined;
  key: string;
  credentials: ReadonlyMap<string, OssCredentials>;
  /** The server's region, e.g. `oss-cn-hangzhou` (signed as `cn-hangzhou`). */
  region: string;
  now: number;
}

const mismatch = (canonicalRequest: string, stringToSign: string, accessKeyId: string): OssRequestError =>
  new OssRequestError(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { CanonicalRequest: canonicalRequest, StringToSign: stringToSign, OSSAccessKeyId: accessKeyId },
  );

function sameHex(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request`, checked against the request's date and our region. */
function parseCredential(credential: string, dateTime: string, region: string): { accessKeyId: string; date: string } {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[0] === '' || parts[3] !== 'oss' || parts[4] !== 'aliyun_v4_request') {
    throw new OssRequestError(
      400,
      'InvalidArgument',
      'The V4 credential must be <AccessKeyId>/<date>/<region>/oss/aliyun_v4_request.',
      { ArgumentName: 'Credential' },
    );
  }
  const [accessKeyId, date, signedRegion] = parts as [string, string, string];
  if (date !== dateTime.slice(0, 8))
    throw new OssRequestError(
      400,
      'InvalidArgument',
      `The date in the credential (${date}) is not the date of x-oss-date (${dateTime}).`,
      { ArgumentName: 'Credential' },
    );
  if (signedRegion !== ossV4Region(region))
    throw new OssRequestError(
      400,
      'InvalidArgument',
      `Invalid signing region in the credential: ${signedRegion} (this server is ${ossV4Region(region)}).`,
      { ArgumentName: 'Credential' },
    );
  return { accessKeyId, date };
}

function lookUp(credentials: ReadonlyMap<string, OssCredentials>, accessKeyId: string): OssCredentials {
  const found = credentials.get(accessKeyId);
  if (!found)
    throw new OssRequestError(
      403,
      'InvalidAccessKeyId',
      'The OSS Access Key Id you provided does not exist in our records.',
      { OSSAccessKeyId: accessKeyId },
    );
  return found;
}

function parseDateTime(text: string | undefined | null, name: string): number {
  const at = parseOssV4DateTime(text ?? '');
  if (Number.isNaN(at))
    throw new OssRequestError(
      403,
      'AccessDenied',
      `A V4 signature needs ${name} as yyyymmddTHHMMSSZ${text ? `, got ${text}` : ''}.`,
    );
  return at;
}

function checkAdditionalHeaders(names: string[], headers: Record<string, string | undefined>): void {
  for (const name of names) {
    if (name !== name.toLowerCase() || headers[name] === undefined)
      throw new OssRequestError(
        400,
        'InvalidArgument',
        `Additional header ${name} is not (in lower case) among the request headers.`,
        { ArgumentName: 'AdditionalHeaders' },
      );
  }
}

/** The body is never hashed here: only `UNSIGNED-PAYLOAD` (what ali-oss and ossutil 2.x send) is accepted. */
function checkPayloadHash(headers: Record<string, string | undefined>): void {
  const declared = headers['x-oss-content-sha256'];
  if (declared !== undefined && declared !== OSS_V4_UNSIGNED_PAYLOAD) {
    throw new OssRequestError(
      400,
      'InvalidArgument',
      'The local OSS server accepts only x-oss-content-sha256: UNSIGNED-PAYLOAD.',
      { ArgumentName: 'x-oss-content-sha256' },
    );
  }
}

function verify(
  input: V4CheckInput,
  accessKeyId: string,
  date: string,
  dateTime: string,
  additionalHeaders: string[],
  query: [string, string][],
  provided: string,
): OssCredentials {
  const credentials = lookUp(input.credentials, accessKeyId);
  const canonicalRequest = ossV4CanonicalRequest({
    method: input.method,
    bucket: input.bucket,
    key: input.key,
    query,
    headers: input.headers,
    additionalHeaders,
  });
  const region = ossV4Region(input.region);
  const stringToSign = ossV4StringToSign(dateTime, ossV4Scope(date, region), canonicalRequest);
  if (!sameHex(ossV4Signature(credentials.accessKeySecret, date, region, stringToSign), provided))
    throw mismatch(canonicalRequest, stringToSign, accessKeyId);
  return credentials;
}

/**
 * Checks an OSS V4 signature in the Authorization header
 * (`OSS4-HMAC-SHA256 Credential=<id>/<date>/<region>/oss/aliyun_v4_request[,AdditionalHeaders=a;b],Signature=<hex>`,
 * time in `x-oss-date`). Every query parameter and every `x-oss-*` header is signed. Returns the access key id
 * and the security token the request must carry (checked by the caller).
 */
export function verifyV4Header(
  authorization: string,
  input: V4CheckInput,
): { accessKeyId: string; credentials: OssCredentials } {
  const fields = new Map<string, string>();
  for (const part of authorization.slice(OSS_V4_ALGORITHM.length).split(',')) {
    const [name, ...value] = part.trim().split('=');
    if (name) fields.set(name, value.join('='));
  }
  const credential = fields.get('Credential');
  const provided = fields.get('Signature');
  if (!credential || !provided)
    throw new OssRequestError(
      400,
      'InvalidArgument',
      `Authorization header is invalid (expected "${OSS_V4_ALGORITHM} Credential=…,Signature=…").`,
    );
  const dateTime = input.headers['x-oss-date'];
  const signedAt = parseDateTime(dateTime, 'the x-oss-date header');
  if (Math.abs(input.now - signedAt) > MAX_CLOCK_SKEW_MS)
    throw new OssRequestError(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  const { accessKeyId, date } = parseCredential(credential, dateTime!, input.region);
  const additionalHeaders = fields.get('AdditionalHeaders')?.split(';').filter(Boolean) ?? [];
  checkAdditionalHeaders(additionalHeaders, input.headers);
  checkPayloadHash(input.headers);
  const credentials = verify(input, accessKeyId, date, dateTime!, additionalHeaders, [...input.query], provided);
  return { accessKeyId, credentials };
}

/**
 * Checks a V4 presigned URL (`x-oss-signature-version=OSS4-HMAC-SHA256`, `x-oss-credential`, `x-oss-date`,
 * `x-oss-expires`, `x-oss-signature`, optional `x-oss-additional-headers`): every other query parameter and
 * every `x-oss-*` header the request carries is part of what was signed.
 */
export function verifyV4Query(input: V4CheckInput): { accessKeyId: string; credentials: OssCredentials } {
  const { query } = input;
  const credential = query.get('x-oss-credential');
  const provided = query.get('x-oss-signature');
  const expires = query.get('x-oss-expires');
  if (!credential || !provided || !expires || !/^\d+$/.test(expires))
    throw new OssRequestError(
      403,
      'AccessDenied',
      'A V4 signed URL needs x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature.',
    );
  if (Number(expires) > OSS_V4_MAX_EXPIRES_SECONDS)
    throw new OssRequestError(
      400,
      'InvalidArgument',
      `x-oss-expires must be at most ${OSS_V4_MAX_EXPIRES_SECONDS} seconds.`,
      { ArgumentName: 'x-oss-expires' },
    );
  const dateTime = query.get('x-oss-date');
  const signedAt = parseDateTime(dateTime, 'the x-oss-date query parameter');
  if (signedAt - MAX_CLOCK_SKEW_MS > input.now)
    throw new OssRequestError(403, 'AccessDenied', 'Request is not valid yet (x-oss-date is in the future).');
  if (signedAt + Number(expires) * 1000 < input.now)
    throw new OssRequestError(403, 'AccessDenied', 'Request has expired.', { Expires: expires });
  const { accessKeyId, date } = parseCredential(credential, dateTime!, input.region);
  const additionalHeaders = query.get('x-oss-additional-headers')?.split(';').filter(Boolean) ?? [];
  checkAdditionalHeaders(additionalHeaders, input.headers);
  checkPayloadHash(input.headers);
  const signed = [...query].filter(([name]) => name !== 'x-oss-signature');
  const credentials = verify(input, accessKeyId, date, dateTime!, additionalHeaders, signed, provided);
  return { accessKeyId, credentials };
}
