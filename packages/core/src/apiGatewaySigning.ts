/**
 * API Gateway's app authentication (HmacSHA256), the part that is pure text: which headers a signed request
 * carries and the string the secret signs. The CLI and the tests sign with node:crypto (`@hotpatch/common`),
 * the web console with WebCrypto, publishBundle verifies with node:crypto: all of them build the string here,
 * so a browser and the server can never disagree on it.
 */

import { md5 } from '@noble/hashes/legacy';

/**
 * Base64 MD5 of a body, as `Content-MD5` carries it: for clients without node:crypto (WebCrypto has no MD5).
 * `btoa` is a global of browsers and of Node.
 */
export function contentMd5Base64(body: Uint8Array): string {
  return btoa(String.fromCharCode(...md5(body)));
}

/** What API Gateway's app authentication signs of a request. */
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
  const headerLines = [...signedHeaders]
    .map((name) => name.toLowerCase())
    .sort()
    .map((name) => `${name}:${header(name)}\n`)
    .join('');
  return `${request.method.toUpperCase()}\n${header('accept')}\n${header('content-md5')}\n${header('content-type')}\n${header('date')}\n${headerLines}${canonicalUrl(request.path, request.query)}`;
}

/** What a client needs to sign one request; the MD5 and the HMAC are computed by the caller's crypto. */
export interface AppSignatureInput {
  appKey: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** A fresh UUID. */
  nonce: string;
  /** Base64 MD5 of a non-empty body; absent without a body. */
  bodyMd5?: string;
  contentType?: string;
}

/**
 * The headers of a signed request before its signature, as API Gateway's SDKs send them (`Accept`, `X-Ca-Key`,
 * `X-Ca-Nonce`, `X-Ca-Signature-Method`, `X-Ca-Timestamp`, `X-Ca-Signature-Headers`, and `Content-Type` with
 * `Content-MD5` for a body), and the string the secret must sign: Base64(HMAC-SHA256(secret, stringToSign))
 * goes in `X-Ca-Signature`.
 */
export function appSignaturePlan(input: AppSignatureInput): { headers: Record<string, string>; stringToSign: string } {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-ca-key': input.appKey,
    'x-ca-nonce': input.nonce,
    'x-ca-signature-method': 'HmacSHA256',
    'x-ca-timestamp': String(input.timestamp),
  };
  if (input.bodyMd5 !== undefined) {
    headers['content-type'] = input.contentType ?? 'application/json';
    headers['content-md5'] = input.bodyMd5;
  }
  const stringToSign = apiGatewayStringToSign(
    { method: input.method, path: input.path, query: input.query ?? {}, headers },
    SIGNED_CA_HEADERS,
  );
  return { headers: { ...headers, 'x-ca-signature-headers': SIGNED_CA_HEADERS.join(',') }, stringToSign };
}
