import {
  createAppRegistry,
  createLogger,
  createMemoryStore,
  writeJson,
  type HttpRequest,
  type InvocationContext,
} from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import { catalogForCase } from '@hotpatch/core/testing';
import { CHECK_CACHE_LIMITS, createCheckCaches, createGetLatestBundleHandler } from './createGetLatestBundleHandler';
import { loadCheckConfig } from './loadCheckConfig';

const logger = createLogger({ service: 'test', level: 'error', write: () => undefined });
const context: InvocationContext = {
  requestId: 'test',
  functionName: 'getLatestBundle',
  logger,
  credentials: undefined,
};
const get = (path: string, query: Record<string, string>): HttpRequest => ({
  method: 'GET',
  path,
  query,
  headers: {},
  body: Buffer.alloc(0),
  pathParameters: {},
  sourceIp: '127.0.0.1',
});

describe('getLatestBundle caches under a flood of unknown deployments', () => {
  // createRevalidatingCache.test.ts sends 300,000 distinct keys through one cache; this sends enough checks
  // through the handler to fill each cache's bounds as they are configured for production.
  it('distinct unknown-deployment checks fill every cache only up to its bounds, and a real deployment stays cached', async () => {
    const store = createMemoryStore();
    const deployment = { app: 'shop', platform: 'ios' as const, channel: 'production' };
    await createAppRegistry(store).create({ name: 'shop', platforms: ['ios'] });
    await writeJson(
      store,
      storageKeys.catalog(deployment),
      catalogForCase(
        {
          name: 'one',
          releases: [{ range: '1.x', content: 'a' }],
          request: { appVersion: '1.0.0' },
          expected: { status: 'upToDate' },
        },
        deployment,
      ),
    );
    const now = () => new Date(0); // no miss expires: only the LRU bounds hold the caches back
    const config = loadCheckConfig({});
    const caches = createCheckCaches({ store, config, now });
    const handle = createGetLatestBundleHandler({ store, config, now, caches });
    const real = get('/v1/check', { app: 'shop', platform: 'ios', channel: 'production', appVersion: '1.0.0' });
    expect((await handle(real, context)).statusCode).toBe(200);

    const checks =
      4 * Math.max(CHECK_CACHE_LIMITS.catalogs.misses.maxEntries, CHECK_CACHE_LIMITS.deploymentKeys.misses.maxEntries);
    for (let index = 0; index < checks; index += 1) {
      const request =
        index % 2 === 0
          ? get('/v1/check', { app: `app-${index}`, platform: 'ios', channel: 'production', appVersion: '1.0.0' })
          : get('/updateCheck', { deploymentKey: `unknown-key-${index}`, appVersion: '1.0.0' });
      const answer = await handle(request, context).catch((error: unknown) => error);
      if (index % 1000 === 0) expect(answer).toMatchObject({ statusCode: 404 });
    }
    for (const [name, cache] of [
      ['catalogs', caches.catalogs],
      ['apps', caches.apps],
      ['deploymentKeys', caches.deploymentKeys],
    ] as const) {
      // Full (the LRU drops half its entries at a time) but never past the bound.
      expect({ name, misses: cache.size.misses }).toEqual({ name, misses: expect.any(Number) });
      expect(cache.size.misses).toBeLessThanOrEqual(CHECK_CACHE_LIMITS[name].misses.maxEntries);
      expect(cache.size.misses).toBeGreaterThanOrEqual(CHECK_CACHE_LIMITS[name].misses.maxEntries / 2);
      expect(cache.size.missBytes).toBeLessThanOrEqual(CHECK_CACHE_LIMITS[name].misses.maxBytes);
    }
    // The flood pushed nothing real out: the real catalog is still answered from memory.
    expect(caches.catalogs.size.entries).toBe(1);
    const reads = caches.catalogs.storageRequests;
    expect((await handle(real, context)).statusCode).toBe(200);
    expect(caches.catalogs.storageRequests).toBe(reads);
  });
});
