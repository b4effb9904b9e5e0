import { StorageError } from '../errors';
import { startStalledServer } from '../testing/startStalledServer';
import { createOssHttpStore } from './createOssHttpStore';
import { createOssStore } from './createOssStore';
import type { ObjectStore } from './ObjectStore';

const options = (endpoint: string, timeoutMs: number) => ({
  endpoint,
  bucket: 'hotpatch',
  pathStyle: true,
  credentials: () => ({ accessKeyId: 'id', accessKeySecret: 'secret' }),
  downloadUrl: { mode: 'public' as const, baseUrl: endpoint },
  timeoutMs,
});

/** How a call failed and how long it took; gives up waiting after 5 s (the server is then closed by the test). */
async function timed(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>(
    (_resolve, reject) => (timer = setTimeout(() => reject(new Error('still waiting after 5 s')), 5000)),
  );
  try {
    await Promise.race([run(), giveUp]);
  } catch (error) {
    return { error, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
  throw new Error('expected a rejection');
}

async function eventually(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(condition()).toBe(true);
}

describe.each([
  [
    'createOssHttpStore',
    (endpoint: string, timeoutMs: number): ObjectStore => createOssHttpStore(options(endpoint, timeoutMs)),
  ],
  [
    'createOssStore (ali-oss)',
    (endpoint: string, timeoutMs: number): ObjectStore => createOssStore(options(endpoint, timeoutMs)),
  ],
])('%s against an endpoint that accepts and never answers', (_name, makeStore) => {
  it('rejects with a StorageError once timeoutMs has passed, and abandons the socket', async () => {
    const server = await startStalledServer('silent');
    try {
      const { error, ms } = await timed(() => makeStore(server.url, 400).get('catalogs/shop/ios/production.json'));
      expect(error).toBeInstanceOf(StorageError);
      expect(ms).toBeGreaterThanOrEqual(350);
      expect(ms).toBeLessThan(2000);
      await eventually(() => server.closedSockets() >= 1 && server.openSockets() === 0);
    } finally {
      await server.close();
    }
  });
});

describe('createOssHttpStore against an endpoint that answers headers and then drips the body', () => {
  it('gives up on a get after timeoutMs in all, although data keeps arriving', async () => {
    const server = await startStalledServer('drip');
    try {
      const { error, ms } = await timed(() =>
        createOssHttpStore(options(server.url, 500)).get('catalogs/shop/ios/production.json'),
      );
      expect(error).toBeInstanceOf(StorageError);
      expect(ms).toBeLessThan(2000);
      await eventually(() => server.openSockets() === 0);
    } finally {
      await server.close();
    }
  });
});
