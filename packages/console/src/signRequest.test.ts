import { signApiGatewayRequest } from '@hotpatch/common';
import { signRequest } from './signRequest';

describe('the console signs as the CLI does', () => {
  const credentials = { keyId: 'console-key', secret: 'a-secret-of-twenty-chars' };

  it.each([
    ['GET with a query', 'GET', '/v1/apps/shop/ios/production/history', { limit: '20', cursor: '7' }, undefined],
    ['POST with a JSON body', 'POST', '/v1/apps/shop/ios/staging/promote', {}, '{"to":"production","rollout":20}'],
    ['PATCH with non-ASCII notes', 'PATCH', '/v1/apps/shop/ios/production/releases/v3', {}, '{"description":"café ✓"}'],
    ['DELETE without a body', 'DELETE', '/v1/apps/shop/channels/beta', {}, undefined],
  ])(
    '%s: the WebCrypto signer and the node:crypto signer give the same headers',
    async (_, method, path, query, body) => {
      const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const fixed = { now: 1_767_225_600_000, nonce: '6f1c3c9e-0d52-4f3f-9b1e-2f1d3b4a5c6d' };
      const browser = await signRequest({
        credentials,
        method,
        path,
        query,
        ...(bytes ? { body: new Uint8Array(bytes) } : {}),
        ...fixed,
      });
      const node = signApiGatewayRequest({
        appKey: credentials.keyId,
        appSecret: credentials.secret,
        method,
        path,
        query,
        ...(bytes ? { body: bytes } : {}),
        ...fixed,
      });
      expect(browser).toEqual(node);
      expect(browser['x-ca-signature']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    },
  );

  it('gives another signature for another secret (the signature depends on the secret)', async () => {
    const request = { method: 'GET', path: '/v1/apps', now: 1, nonce: 'n' };
    const right = await signRequest({ credentials, ...request });
    const wrong = await signRequest({ credentials: { ...credentials, secret: 'another-secret-value' }, ...request });
    expect(wrong['x-ca-signature']).not.toBe(right['x-ca-signature']);
  });
});
