import {
  apiGatewaySignature,
  ForbiddenError,
  GATEWAY_SIGNATURE_HEADERS,
  gatewayBackendStringToSign,
  UnauthorizedError,
  type HttpRequest,
  type ManagementKey,
} from '@hotpatch/common';
import { sameText } from './sameText';

/** The header naming the caller's app key: API Gateway maps its system parameter `CaAppKey` onto it. */
const GATEWAY_APP_KEY_HEADER = 'x-ca-key';

/**
 * Verifies API Gateway's backend signature (gateway mode): the request came through the gateway, which has
 * already checked the caller's app signature (any method it accepts, HmacSHA1 included), timestamp and nonce.
 * Requires the backend signature key named in `X-Ca-Proxy-Signature-Secret-Key` to be the configured one,
 * `X-Ca-Key` among the signed headers (so the app key cannot be swapped after the gateway), and the
 * signature to match (constant time). Returns the app key the gateway names; 401 for anything unsigned or
 * mis-signed, 403 for an authenticated app that is not a management key.
 */
export function verifyGatewaySignature(
  request: HttpRequest,
  options: { signatureKey: string; signatureSecret: string; appKeys: ReadonlyMap<string, ManagementKey> },
): string {
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
  const appKey = headers[GATEWAY_APP_KEY_HEADER] ?? '';
  if (!options.appKeys.has(appKey))
    throw new ForbiddenError(
      `app key ${JSON.stringify(appKey)} is not a management key (configure it in HOTPATCH_APP_KEYS)`,
    );
  return appKey;
}
