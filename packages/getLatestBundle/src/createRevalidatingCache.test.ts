import { createMemoryStore, StorageError, type ObjectStore } from '@hotpatch/common';
import { createRevalidatingCache } from './createRevalidatingCache';

/** A memory store that counts gets and can fail them: fault injection for the cache's error path. */
function countingStore(): { store: ObjectStore; gets: () => number; failNext: () => void } {
  const inner = createMemoryStore();
  let gets = 0;
  let fail = false;
  const store: ObjectStore = {
    ...inner,
    async get(key, options) {
      gets += 1;
      if (fail) {
        fail = false;
        throw new StorageError('injected', key);
      }
      return inner.get(key, options);
    },
  };
  return { store, gets: () => gets, failNext: () => (fail = true) };
}

describe('createRevalidatingCache', () => {
  let clock = 0;
  const now = () => clock;

  beforeEach(() => {
    clock = 1_000;
  });

  it('serves from memory within the TTL, then revalidates with the ETag and keeps the value on 304', async () => {
    const { store, gets } = countingStore();
    await store.put('catalogs/a.json', Buffer.from('{"v":1}'));
    const cache = createRevalidatingCache({ store, ttlMs: 10_000, parse: (json) => json as { v: number }, now });
    for (let index = 0; index < 1000; index += 1) expect(await cache.get('catalogs/a.json')).toEqual({ v: 1 });
    expect(gets()).toBe(1);
    clock += 10_000;
    expect(await cache.get('catalogs/a.json')).toEqual({ v: 1 });
    expect(gets()).toBe(2);
    expect(cache.storageRequests).toBe(2);
  });

  it('picks up a changed object after the TTL', async () => {
    const { store } = countingStore();
    await store.put('k', Buffer.from('{"v":1}'));
    const cache = createRevalidatingCache({ store, ttlMs: 5_000, parse: (json) => json, now });
    await cache.get('k');
    await store.put('k', Buffer.from('{"v":2}'));
    expect(await cache.get('k')).toEqual({ v: 1 });
    clock += 5_000;
    expect(await cache.get('k')).toEqual({ v: 2 });
  });

  it('shares one storage request among concurrent callers', async () => {
    const { store, gets } = countingStore();
    await store.put('k', Buffer.from('{}'));
    const cache = createRevalidatingCache({ store, ttlMs: 1_000, parse: (json) => json, now });
    await Promise.all(Array.from({ length: 50 }, () => cache.get('k')));
    expect(gets()).toBe(1);
  });

  it('caches absence for the TTL too', async () => {
    const { store, gets } = countingStore();
    const cache = createRevalidatingCache({ store, ttlMs: 1_000, parse: (json) => json, now });
    expect(await cache.get('missing')).toBeNull();
    expect(await cache.get('missing')).toBeNull();
    expect(gets()).toBe(1);
  });

  it('never caches a storage failure: it rejects, and the next call tries again', async () => {
    const { store, failNext } = countingStore();
    await store.put('k', Buffer.from('{"v":1}'));
    const cache = createRevalidatingCache({ store, ttlMs: 0, parse: (json) => json, now });
    failNext();
    await expect(cache.get('k')).rejects.toBeInstanceOf(StorageError);
    expect(await cache.get('k')).toEqual({ v: 1 });
  });

  it('turns corrupt content into a StorageError, not a value', async () => {
    const { store } = countingStore();
    await store.put('k', Buffer.from('not json'));
    const cache = createRevalidatingCache({ store, ttlMs: 1_000, parse: (json) => json, now });
    await expect(cache.get('k')).rejects.toThrow(/corrupt object k/);
  });
});
