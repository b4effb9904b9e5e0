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
  const headerLines = [...signedHeaders]
    .map((name) => name.toLowerCase())
    .sort()
    .map((name) => `${name}:${header(name)}\n`)
    .join('');
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
  const stringToSign = apiGatewayStringToSign(
    { method: input.method, path: input.path, query: input.query ?? {}, headers },
    SIGNED_CA_HEADERS,
  );
  return {
    ...headers,
    'x-ca-signature-headers': SIGNED_CA_HEADERS.join(','),
    'x-ca-signature': apiGatewaySignature(input.appSecret, stringToSign),
  };
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
