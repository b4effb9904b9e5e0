import { apiGatewaySignature, contentMd5, UnauthorizedError, type HttpRequest } from '@hotpatch/common';
import { apiGatewayStringToSign } from '@hotpatch/core';
import type { NonceStore } from './createNonceStore';
import { sameText } from './sameText';

/** API Gateway accepts a signed request for 15 minutes around its timestamp; so do we. */
export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;
const REQUIRED_SIGNED_HEADERS = ['x-ca-key', 'x-ca-nonce', 'x-ca-timestamp'];
/** What a nonce may be: it becomes part of a storage key when claimed. */
export const NONCE_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/**
 * Verifies API Gateway's app authentication (HmacSHA256) inside the function, so a bare FC HTTP trigger or
 * the local stack is never open: known key, signed key/nonce/timestamp, timestamp within 15 minutes, body
 * matching Content-MD5, signature compared in constant time, nonce never seen before. Returns the app key.
 */
export async function verifyAppSignature(
  request: HttpRequest,
  options: { appKeys: ReadonlyMap<string, string>; nonces: NonceStore; now: number },
): Promise<string> {
  const headers = request.headers;
  const appKey = headers['x-ca-key'];
  const signature = headers['x-ca-signature'];
  if (!appKey || !signature)
    throw new UnauthorizedError(
      'request is not signed: X-Ca-Key and X-Ca-Signature are required (API Gateway app authentication, HmacSHA256)',
    );
  const appSecret = options.appKeys.get(appKey);
  if (appSecret === undefined) throw new UnauthorizedError(`unknown app key ${JSON.stringify(appKey)}`);
  const method = headers['x-ca-signature-method'] ?? 'HmacSHA256';
  if (method !== 'HmacSHA256')
    throw new UnauthorizedError(`signature method ${JSON.stringify(method)} is not accepted; use HmacSHA256`);
  const signedHeaders = (headers['x-ca-signature-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unsigned = REQUIRED_SIGNED_HEADERS.filter((name) => !signedHeaders.includes(name));
  if (unsigned.length > 0) throw new UnauthorizedError(`X-Ca-Signature-Headers must include ${unsigned.join(', ')}`);
  const timestamp = Number(headers['x-ca-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(options.now - timestamp) > TIMESTAMP_WINDOW_MS)
    throw new UnauthorizedError('X-Ca-Timestamp is missing or more than 15 minutes from the server clock');
  const nonce = headers['x-ca-nonce'] ?? '';
  if (!NONCE_PATTERN.test(nonce))
    throw new UnauthorizedError('X-Ca-Nonce must be 8-64 letters, digits or "-" (a UUID)');
  if (request.body.length > 0 && !sameText(contentMd5(request.body), headers['content-md5'] ?? ''))
    throw new UnauthorizedError('the body does not match Content-MD5');
  const expected = apiGatewaySignature(
    appSecret,
    apiGatewayStringToSign(
      { method: request.method, path: request.path, query: request.query, headers },
      signedHeaders,
    ),
  );
  if (!sameText(expected, signature))
    throw new UnauthorizedError('signature does not match (check the app secret and the string to sign)');
  // Only a valid signature may spend a nonce, so nobody can burn another caller's nonces.
  if (!(await options.nonces.claim(appKey, nonce, timestamp)))
    throw new UnauthorizedError('replayed request: this X-Ca-Nonce was already used');
  return appKey;
}
