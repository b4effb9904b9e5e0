import { createMemoryStore, signApiGatewayRequest, UnauthorizedError, type HttpRequest } from '@hotpatch/common';
import { createNonceStore } from './createNonceStore';
import { verifyAppSignature } from './verifyAppSignature';

const appKeys = new Map([['team-key', 'team-secret-0123456789']]);
const NOW = 1_800_000_000_000;

function signed(
  overrides: { secret?: string; key?: string; body?: string; now?: number; nonce?: string; path?: string } = {},
): HttpRequest {
  const body = Buffer.from(overrides.body ?? '{"name":"demo","platforms":["ios"]}');
  const headers = signApiGatewayRequest({
    appKey: overrides.key ?? 'team-key',
    appSecret: overrides.secret ?? 'team-secret-0123456789',
    method: 'POST',
    path: overrides.path ?? '/v1/apps',
    query: { a: '1' },
    body,
    now: overrides.now ?? NOW,
    ...(overrides.nonce ? { nonce: overrides.nonce } : {}),
  });
  return {
    method: 'POST',
    path: '/v1/apps',
    query: { a: '1' },
    headers,
    body,
    pathParameters: {},
    sourceIp: '127.0.0.1',
  };
}

async function refusal(request: HttpRequest): Promise<string> {
  try {
    await verifyAppSignature(request, { appKeys, nonces: createNonceStore(createMemoryStore()), now: NOW });
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('verifyAppSignature', () => {
  it('accepts a correctly signed request and names its app key', async () => {
    expect(
      await verifyAppSignature(signed(), { appKeys, nonces: createNonceStore(createMemoryStore()), now: NOW }),
    ).toBe('team-key');
  });

  it('refuses a request without signature headers', async () => {
    const request = signed();
    expect(await refusal({ ...request, headers: { 'content-type': 'application/json' } })).toMatch(
      /request is not signed/,
    );
  });

  it('refuses an unknown app key', async () => {
    expect(await refusal(signed({ key: 'other-key' }))).toBe('unknown app key "other-key"');
  });

  it('refuses a wrong signature (wrong secret, or another path)', async () => {
    expect(await refusal(signed({ secret: 'not-the-secret-at-all' }))).toMatch(/signature does not match/);
    expect(await refusal({ ...signed({ path: '/v1/apps/other' }) })).toMatch(/signature does not match/);
  });

  it('refuses an altered body', async () => {
    const request = signed();
    expect(await refusal({ ...request, body: Buffer.from('{"name":"evil","platforms":["ios"]}') })).toBe(
      'the body does not match Content-MD5',
    );
  });

  it('refuses a stale or future timestamp', async () => {
    expect(await refusal(signed({ now: NOW - 16 * 60 * 1000 }))).toMatch(/more than 15 minutes/);
    expect(await refusal(signed({ now: NOW + 16 * 60 * 1000 }))).toMatch(/more than 15 minutes/);
  });

  it('refuses a replayed nonce, even on another instance sharing the bucket', async () => {
    const store = createMemoryStore();
    const request = signed({ nonce: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' });
    await verifyAppSignature(request, { appKeys, nonces: createNonceStore(store), now: NOW });
    await expect(verifyAppSignature(request, { appKeys, nonces: createNonceStore(store), now: NOW })).rejects.toThrow(
      'replayed request: this X-Ca-Nonce was already used',
    );
  });

  it('refuses a signature that leaves the nonce or timestamp unsigned', async () => {
    const request = signed();
    expect(await refusal({ ...request, headers: { ...request.headers, 'x-ca-signature-headers': 'x-ca-key' } })).toBe(
      'X-Ca-Signature-Headers must include x-ca-nonce, x-ca-timestamp',
    );
  });

  it('does not spend a nonce on a bad signature', async () => {
    const store = createMemoryStore();
    const nonce = 'aaaaaaaa-58cc-4372-a567-0e02b2c3d479';
    await expect(
      verifyAppSignature(signed({ nonce, secret: 'wrong-secret-0123456789' }), {
        appKeys,
        nonces: createNonceStore(store),
        now: NOW,
      }),
    ).rejects.toThrow(/signature does not match/);
    expect(await verifyAppSignature(signed({ nonce }), { appKeys, nonces: createNonceStore(store), now: NOW })).toBe(
      'team-key',
    );
  });
});
