import { createHash, createHmac, randomUUID } from 'node:crypto';

/** What API Gateway's app authentication signs of a request (docs/protocols/aliyun.md §7). */
export interface SignableRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names lower-case. */
  headers: Record<string, string | undefined>;
}

/** The headers every signed request signs, besides any custom ones. */
export const SIGNED_CA_HEADERS = ['x-ca-key', 'x-ca-nonce', 'x-ca-signature-method', 'x-ca-timestamp'] as const;

/** `path?k=v&k2` with parameters sorted by name and values not URL-encoded. */
function canonicalUrl(path: string, query: Record<string, string>): string {
  const names = Object.keys(query).sort();
  if (names.length === 0) return path;
  return `${path}?${names.map((name) => (query[name] === '' ? name : `${name}=${query[name]}`)).join('&')}`;
}

/**
 * API Gateway's string to sign: method, Accept, Content-MD5, Content-Type, Date (each followed by a newline,
 * empty when absent), then each signed header as `name:value\n` in name order, then the URL.
 */
export function apiGatewayStringToSign(request: SignableRequest, signedHeaders: readonly string[]): string {
  const header = (name: string): string => request.headers[name] ?? '';
  const headerLines = [...signedHeaders].map((name) => name.toLowerCase()).sort().map((name) => `${name}:${header(name)}\n`).join('');
  return `${request.method.toUpperCase()}\n${header('accept')}\n${header('content-md5')}\n${header('content-type')}\n${header('date')}\n${headerLines}${canonicalUrl(request.path, request.query)}`;
}

/** Base64 HMAC-SHA256 of the string to sign with the app secret. */
export function apiGatewaySignature(appSecret: string, stringToSign: string): string {
  return createHmac('sha256', appSecret).update(stringToSign, 'utf8').digest('base64');
}

/** Base64 MD5 of a body, as `Content-MD5` carries it. */
export function contentMd5(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

/**
 * The headers that sign a request with an app key pair, as API Gateway's SDKs send them: `X-Ca-Key`,
 * `X-Ca-Timestamp` (ms), `X-Ca-Nonce`, `X-Ca-Signature-Method`, `X-Ca-Signature-Headers`, `Content-MD5` for a
 * body, and `X-Ca-Signature`.
 */
export function signApiGatewayRequest(input: {
  appKey: string;
  appSecret: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: Buffer;
  contentType?: string;
  now?: number;
  nonce?: string;
}): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-ca-key': input.appKey,
    'x-ca-nonce': input.nonce ?? randomUUID(),
    'x-ca-signature-method': 'HmacSHA256',
    'x-ca-timestamp': String(input.now ?? Date.now()),
  };
  if (input.body && input.body.length > 0) {
    headers['content-type'] = input.contentType ?? 'application/json';
    headers['content-md5'] = contentMd5(input.body);
  }
  const stringToSign = apiGatewayStringToSign({ method: input.method, path: input.path, query: input.query ?? {}, headers }, SIGNED_CA_HEADERS);
  return { ...headers, 'x-ca-signature-headers': SIGNED_CA_HEADERS.join(','), 'x-ca-signature': apiGatewaySignature(input.appSecret, stringToSign) };
}
