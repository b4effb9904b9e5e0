import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  OSS_SIGNED_SUBRESOURCES,
  OSS_V4_ALGORITHM,
  ossV1Signature,
  ossV1StringToSign,
  type OssCredentials,
} from '@hotpatch/common';
import { OssRequestError } from './OssRequestError';
import { MAX_CLOCK_SKEW_MS, verifyV4Header, verifyV4Query } from './verifyOssV4Signature';

export type OssCaller = { kind: 'anonymous' } | { kind: 'signed'; accessKeyId: string };

export interface SignatureCheckInput {
  method: string;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  bucket: string | undefined;
  key: string;
  /** Key pairs the server accepts, by access key id. */
  credentials: ReadonlyMap<string, OssCredentials>;
  /** The server's region (`oss-cn-hangzhou`): V4 signatures name it in their scope. */
  region: string;
  now: number;
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(',') : value;

function signedSubresources(query: URLSearchParams): Record<string, string> {
  const subresources: Record<string, string> = {};
  for (const [name, value] of query) if (OSS_SIGNED_SUBRESOURCES.has(name)) subresources[name] = value;
  return subresources;
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
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

function checkSecurityToken(expected: OssCredentials, provided: string | undefined): void {
  if (expected.securityToken !== undefined && expected.securityToken !== provided) {
    throw new OssRequestError(403, 'InvalidSecurityToken', 'The security token you provided is invalid.');
  }
}

/**
 * Checks an OSS signature exactly as OSS computes it: V1 in the Authorization header (`OSS <id>:<signature>`)
 * or in a presigned URL's query (`OSSAccessKeyId`, `Expires`, `Signature`), V4 (`OSS4-HMAC-SHA256`) in the
 * header or the query (`verifyOssV4Signature.ts`). Both forms cover every `x-oss-*` header the request
 * carries, presigned URLs included: a header added to a presigned request that its signer did not sign fails
 * the check. A request with no signature is anonymous; the caller decides whether the bucket allows that.
 */
export function verifyOssSignature(input: SignatureCheckInput): OssCaller {
  const authorization = single(input.headers.authorization);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name] = single(value);
  const v4Input = {
    method: input.method,
    headers,
    query: input.query,
    bucket: input.bucket,
    key: input.key,
    credentials: input.credentials,
    region: input.region,
    now: input.now,
  };

  if (authorization?.startsWith(`${OSS_V4_ALGORITHM} `)) {
    const { accessKeyId, credentials } = verifyV4Header(authorization, v4Input);
    checkSecurityToken(credentials, headers['x-oss-security-token']);
    return { kind: 'signed', accessKeyId };
  }
  if (input.query.get('x-oss-signature-version') === OSS_V4_ALGORITHM) {
    const { accessKeyId, credentials } = verifyV4Query(v4Input);
    checkSecurityToken(credentials, input.query.get('x-oss-security-token') ?? headers['x-oss-security-token']);
    return { kind: 'signed', accessKeyId };
  }

  if (authorization !== undefined) {
    const match = /^OSS ([^:\s]+):(\S+)$/.exec(authorization);
    if (!match)
      throw new OssRequestError(
        400,
        'InvalidArgument',
        'Authorization header is invalid (expected "OSS <AccessKeyId>:<Signature>" or "OSS4-HMAC-SHA256 Credential=…").',
      );
    const [, accessKeyId, provided] = match as unknown as [string, string, string];
    const credentials = lookUp(input.credentials, accessKeyId);
    const date = headers['x-oss-date'] ?? headers.date;
    if (!date) throw new OssRequestError(403, 'AccessDenied', 'Authorization requires a Date or x-oss-date header.');
    const signedAt = Date.parse(date);
    if (Number.isNaN(signedAt)) throw new OssRequestError(403, 'AccessDenied', `Invalid date format: ${date}`);
    if (Math.abs(input.now - signedAt) > MAX_CLOCK_SKEW_MS) {
      throw new OssRequestError(
        403,
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
      );
    }
    const stringToSign = ossV1StringToSign({
      method: input.method,
      headers,
      date,
      bucket: input.bucket,
      key: input.key,
      subresources: signedSubresources(input.query),
    });
    if (!sameSignature(ossV1Signature(credentials.accessKeySecret, stringToSign), provided)) {
      throw new OssRequestError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        { StringToSign: stringToSign, OSSAccessKeyId: accessKeyId },
      );
    }
    checkSecurityToken(credentials, headers['x-oss-security-token']);
    return { kind: 'signed', accessKeyId };
  }

  const urlKeyId = input.query.get('OSSAccessKeyId');
  if (urlKeyId !== null) {
    const provided = input.query.get('Signature');
    const expires = input.query.get('Expires');
    if (!provided || !expires || !/^\d+$/.test(expires))
      throw new OssRequestError(403, 'AccessDenied', 'A signed URL needs OSSAccessKeyId, Expires and Signature.');
    const credentials = lookUp(input.credentials, urlKeyId);
    if (Number(expires) * 1000 < input.now)
      throw new OssRequestError(403, 'AccessDenied', 'Request has expired.', { Expires: expires });
    // Every x-oss-* header is part of the string to sign, as for a header signature (ossV1StringToSign picks them).
    const stringToSign = ossV1StringToSign({
      method: input.method,
      headers,
      date: expires,
      bucket: input.bucket,
      key: input.key,
      subresources: signedSubresources(input.query),
    });
    if (!sameSignature(ossV1Signature(credentials.accessKeySecret, stringToSign), provided)) {
      throw new OssRequestError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        { StringToSign: stringToSign, OSSAccessKeyId: urlKeyId },
      );
    }
    checkSecurityToken(credentials, input.query.get('security-token') ?? undefined);
    return { kind: 'signed', accessKeyId: urlKeyId };
  }

  return { kind: 'anonymous' };
}
