import { createHash, createHmac, randomUUID } from 'node:crypto';
import { appSignaturePlan, type SignableRequest } from '@hotpatch/core';

// The string to sign is built in core (`apiGatewaySigning.ts`, pure), which the web console's WebCrypto signer
// shares: this file only adds node:crypto's HMAC and MD5.

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
  const { headers, stringToSign } = appSignaturePlan({
    appKey: input.appKey,
    method: input.method,
    path: input.path,
    ...(input.query ? { query: input.query } : {}),
    timestamp: input.now ?? Date.now(),
    nonce: input.nonce ?? randomUUID(),
    ...(input.body && input.body.length > 0
      ? { bodyMd5: contentMd5(input.body), contentType: input.contentType ?? 'application/json' }
      : {}),
  });
  return { ...headers, 'x-ca-signature': apiGatewaySignature(input.appSecret, stringToSign) };
}

/**
 * The headers API Gateway's backend signature (the gateway signing its call to the backend with a key pair
 * bound to the API) puts on each request, lower-cased as FC hands them over: the signature, the name of the
 * key that made it, and the signed header names (comma-separated).
 */
export const GATEWAY_SIGNATURE_HEADERS = {
  signature: 'x-ca-proxy-signature',
  secretKey: 'x-ca-proxy-signature-secret-key',
  signedHeaders: 'x-ca-proxy-signature-headers',
} as const;

/** What the gateway's backend signature covers of the request it sends the backend. */
export interface GatewayBackendRequest extends SignableRequest {
  body: Buffer;
}

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/**
 * The gateway's backend string to sign (Alibaba's api-gateway-demo-sign-backend-java, `Sign.serviceSign`):
 * `METHOD\n` + Base64(MD5(body)) (only for a non-empty, non-form POST or PUT body, else nothing) + `\n` +
 * `name:value\n` for each header listed in `X-Ca-Proxy-Signature-Headers` that is present, in the listed
 * names' order (names lower-cased in the line) + the path + `?` and every query (and form) parameter sorted
 * by name as `name=value` joined by `&`. Unlike the client signature there is no Accept, Content-Type or Date
 * line, and an empty value still reads `name=`.
 */
export function gatewayBackendStringToSign(request: GatewayBackendRequest, signedHeaders: readonly string[]): string {
  const method = request.method.toUpperCase();
  const isForm = (request.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_CONTENT_TYPE);
  const bodyMd5 =
    (method === 'POST' || method === 'PUT') && !isForm && request.body.length > 0 ? contentMd5(request.body) : '';
  // Java's TreeMap over the listed names: code-unit order of the names as the gateway wrote them.
  const headerLines = [...new Set(signedHeaders)]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap((name) => {
      const value = request.headers[name.toLowerCase()];
      return value === undefined ? [] : [`${name.toLowerCase()}:${value}\n`];
    })
    .join('');
  const parameters = new Map<string, string>(Object.entries(request.query));
  if (isForm)
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8')))
      if (!parameters.has(name)) parameters.set(name, value);
  const names = [...parameters.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const url =
    names.length === 0
      ? request.path
      : `${request.path}?${names.map((name) => `${name}=${parameters.get(name)}`).join('&')}`;
  return `${method}\n${bodyMd5}\n${headerLines}${url}`;
}

/**
 * Signs a request the way API Gateway signs its call to the backend: the headers it adds (lower-cased).
 * What the gateway does in production; tests and local tools use it to build exactly that request.
 */
export function signGatewayBackendRequest(input: {
  key: string;
  secret: string;
  request: GatewayBackendRequest;
  signedHeaders: readonly string[];
}): Record<string, string> {
  const stringToSign = gatewayBackendStringToSign(input.request, input.signedHeaders);
  return {
    [GATEWAY_SIGNATURE_HEADERS.signature]: apiGatewaySignature(input.secret, stringToSign),
    [GATEWAY_SIGNATURE_HEADERS.secretKey]: input.key,
    [GATEWAY_SIGNATURE_HEADERS.signedHeaders]: input.signedHeaders.join(','),
  };
}
