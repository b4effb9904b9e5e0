import type { LocalStack } from './createLocalStack';
import { startTestStack } from './testing';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack.close();
});

describe('local stack API front', () => {
  it('routes a request to getLatestBundle as an API Gateway event and returns its answer', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', storage: 'oss' });
    expect(response.headers.get('x-ca-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown path with a 404 JSON error, as the gateway does', async () => {
    const response = await fetch(`${stack.apiUrl}/v2/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NotFound', message: 'no API matches GET /v2/nothing-here' },
    });
  });

  it("answers a known path with another method with the function's 405", async () => {
    const response = await fetch(`${stack.apiUrl}/v1/health`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('MethodNotAllowed');
  });

  it('fails closed when OSS fails: 503, no-store, Retry-After', async () => {
    stack.oss.faults.failNext(1, { status: 500 });
    const response = await fetch(`${stack.apiUrl}/v1/health`);
    expect(response.status).toBe(503);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await fetch(`${stack.apiUrl}/v1/health`)).status).toBe(200);
  });

  it("refuses a body over API Gateway's 8 MB limit with 413", async () => {
    const response = await fetch(`${stack.apiUrl}/v1/health`, { method: 'POST', body: Buffer.alloc(9 * 1024 * 1024) });
    expect(response.status).toBe(413);
  });
});

describe('local stack bucket access (as the production bucket policy)', () => {
  it('serves packages and diffs anonymously, and answers 403 for app records, catalogs, logs, metrics, upload status and nonces', async () => {
    const store = stack.oss.store(stack.bucket);
    const privateKeys = [
      'apps/shop.json',
      'catalogs/shop/ios/production.json',
      'logs/shop/ios/production/0000000001.json',
      'metrics/shop/ios/production/x.json',
      'upload-status/shop/ios/a.zip/ETAG.json',
      'nonces/key/n1',
    ];
    const contentKeys = ['packages/abc/bundle.zip', 'diffs/abc/def.zip'];
    for (const key of [...privateKeys, ...contentKeys]) await store.put(key, Buffer.from('{}'));
    for (const key of privateKeys)
      expect([key, (await fetch(`${stack.ossUrl}/${stack.bucket}/${key}`)).status]).toEqual([key, 403]);
    for (const key of contentKeys)
      expect([key, (await fetch(`${stack.ossUrl}/${stack.bucket}/${key}`)).status]).toEqual([key, 200]);
    expect((await fetch(`${stack.ossUrl}/${stack.bucket}/?prefix=apps/`)).status).toBe(403);
  });
});
