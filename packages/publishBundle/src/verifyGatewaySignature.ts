import {
  apiGatewaySignature,
  contentMd5,
  ForbiddenError,
  GATEWAY_SIGNATURE_HEADERS,
  gatewayBackendStringToSign,
  UnauthorizedError,
  type HttpRequest,
  type ManagementKey,
} from '@hotpatch/common';
import type { NonceStore } from './createNonceStore';
import { sameText } from './sameText';
import { NONCE_PATTERN, TIMESTAMP_WINDOW_MS } from './verifyAppSignature';

/** The header naming the caller's app key: API Gateway maps its system parameter `CaAppKey` onto it. */
const GATEWAY_APP_KEY_HEADER = 'x-ca-key';

/**
 * Verifies API Gateway's backend signature (gateway mode): the request came through the gateway, which has
 * already checked the caller's app signature (any method it accepts, HmacSHA1 included), timestamp and nonce.
 * Requires the backend signature key named in `X-Ca-Proxy-Signature-Secret-Key` to be the configured one,
 * `X-Ca-Key` among the signed headers (so the app key cannot be swapped after the gateway), and the
 * signature to match (constant time). Returns the app key the gateway names; 401 for anything unsigned or
 * mis-signed, 403 for an authenticated app that is not a management key.
 *
 * The backend string to sign covers a body only for POST and PUT, so any other request with a body (PATCH)
 * must carry a signed `Content-MD5` that matches it, or it is refused: a body swapped after the gateway is
 * never applied. When the gateway signs `X-Ca-Timestamp` and `X-Ca-Nonce`, the same 15-minute window and
 * single-use nonce as in direct mode apply, so a captured gateway → function call cannot be replayed.
 */
export async function verifyGatewaySignature(
  request: HttpRequest,
  options: {
    signatureKey: string;
    signatureSecret: string;
    appKeys: ReadonlyMap<string, ManagementKey>;
    nonces: NonceStore;
    now: number;
  },
): Promise<string> {
  const headers = request.headers;
  const signature = headers[GATEWAY_SIGNATURE_HEADERS.signature];
  if (!signature)
    throw new UnauthorizedError(
      'request is not signed by API Gateway: X-Ca-Proxy-Signature is missing (HOTPATCH_AUTH_MODE=gateway needs a backend signature key bound to the API)',
    );
  const keyName = headers[GATEWAY_SIGNATURE_HEADERS.secretKey] ?? '';
  if (!sameText(keyName, options.signatureKey))
    throw new UnauthorizedError(
      `X-Ca-Proxy-Signature-Secret-Key ${JSON.stringify(keyName)} is not the configured backend signature key (HOTPATCH_GATEWAY_SIGNATURE_KEY)`,
    );
  const signedHeaders = (headers[GATEWAY_SIGNATURE_HEADERS.signedHeaders] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (!signedHeaders.some((name) => name.toLowerCase() === GATEWAY_APP_KEY_HEADER)) {
    throw new UnauthorizedError(
      'X-Ca-Proxy-Signature-Headers must include X-Ca-Key (map the system parameter CaAppKey to the header X-Ca-Key)',
    );
  }
  const expected = apiGatewaySignature(
    options.signatureSecret,
    gatewayBackendStringToSign(
      { method: request.method, path: request.path, query: request.query, headers, body: request.body },
      signedHeaders,
    ),
  );
  if (!sameText(expected, signature))
    throw new UnauthorizedError(
      'API Gateway backend signature does not match (check HOTPATCH_GATEWAY_SIGNATURE_SECRET)',
    );
  const signed = new Set(signedHeaders.map((name) => name.toLowerCase()));
  const method = request.method.toUpperCase();
  if (request.body.length > 0 && method !== 'POST' && method !== 'PUT') {
    if (!signed.has('content-md5') || !sameText(contentMd5(request.body), headers['content-md5'] ?? ''))
      throw new UnauthorizedError(
        `a ${method} body is not covered by the backend signature: the gateway must sign a Content-MD5 that matches the body`,
      );
  }
  const appKey = headers[GATEWAY_APP_KEY_HEADER] ?? '';
  if (!options.appKeys.has(appKey))
    throw new ForbiddenError(
      `app key ${JSON.stringify(appKey)} is not a management key (configure it in HOTPATCH_APP_KEYS)`,
    );
  if (signed.has('x-ca-timestamp')) {
    const timestamp = Number(headers['x-ca-timestamp']);
    if (!Number.isInteger(timestamp) || Math.abs(options.now - timestamp) > TIMESTAMP_WINDOW_MS)
      throw new UnauthorizedError('X-Ca-Timestamp is more than 15 minutes from the server clock');
    if (signed.has('x-ca-nonce')) {
      const nonce = headers['x-ca-nonce'] ?? '';
      if (!NONCE_PATTERN.test(nonce))
        throw new UnauthorizedError('X-Ca-Nonce must be 8-64 letters, digits or "-" (a UUID)');
      if (!(await options.nonces.claim(appKey, nonce, timestamp)))
        throw new UnauthorizedError('replayed request: this X-Ca-Nonce was already used');
    }
  }
  return appKey;
}
