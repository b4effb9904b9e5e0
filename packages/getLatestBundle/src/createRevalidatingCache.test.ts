import { createLogger, createMemoryStore, StorageError, type ObjectStore } from '@hotpatch/common';
import { createRevalidatingCache, type RevalidatingCacheOptions } from './createRevalidatingCache';

/** A memory store that counts gets and can fail them: fault injection for the cache's error path. */
function countingStore(): {
  store: ObjectStore;
  gets: () => number;
  failNext: () => void;
  setFailing: (on: boolean) => void;
} {
  const inner = createMemoryStore();
  let gets = 0;
  let failOnce = false;
  let failing = false;
  const store: ObjectStore = {
    ...inner,
    async get(key, options) {
      gets += 1;
      if (failOnce || failing) {
        failOnce = false;
        throw new StorageError('injected', key);
      }
      return inner.get(key, options);
    },
  };
  return { store, gets: () => gets, failNext: () => (failOnce = true), setFailing: (on) => (failing = on) };
}

const LIMITS = { found: { maxEntries: 100, maxBytes: 1_000_000 }, misses: { maxEntries: 100, maxBytes: 100_000 } };

describe('createRevalidatingCache', () => {
  let clock = 0;
  const now = () => clock;
  let logLines: { level: string; message: string; key?: string }[] = [];
  const logger = createLogger({ service: 'test', level: 'debug', write: (line) => logLines.push(JSON.parse(line)) });

  function cacheOn<T = unknown>(store: ObjectStore, options: Partial<RevalidatingCacheOptions<T>> = {}) {
    return createRevalidatingCache<T>({
      store,
      ttlMs: 10_000,
      missTtlMs: 2_000,
      staleIfErrorMs: 0,
      limits: LIMITS,
      parse: (json) => json as T,
      subject: 'catalog',
      logger,
      now,
      ...options,
    });
  }

  beforeEach(() => {
    clock = 1_000;
    logLines = [];
  });

  it('serves from memory within the TTL, then revalidates with the ETag and keeps the value on 304', async () => {
    const { store, gets } = countingStore();
    await store.put('catalogs/a.json', Buffer.from('{"v":1}'));
    const cache = cacheOn<{ v: number }>(store);
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
    const cache = cacheOn(store, { ttlMs: 5_000 });
    await cache.get('k');
    await store.put('k', Buffer.from('{"v":2}'));
    expect(await cache.get('k')).toEqual({ v: 1 });
    clock += 5_000;
    expect(await cache.get('k')).toEqual({ v: 2 });
  });

  it('shares one storage request among concurrent callers', async () => {
    const { store, gets } = countingStore();
    await store.put('k', Buffer.from('{}'));
    const cache = cacheOn(store, { ttlMs: 1_000 });
    await Promise.all(Array.from({ length: 50 }, () => cache.get('k')));
    expect(gets()).toBe(1);
  });

  it('remembers an absence for the miss TTL only (seconds), then asks again', async () => {
    const { store, gets } = countingStore();
    const cache = cacheOn(store, { ttlMs: 60_000, missTtlMs: 2_000 });
    expect(await cache.get('missing')).toBeNull();
    expect(await cache.get('missing')).toBeNull();
    expect(gets()).toBe(1);
    clock += 2_000;
    await store.put('missing', Buffer.from('{"now":"here"}'));
    expect(await cache.get('missing')).toEqual({ now: 'here' });
    expect(gets()).toBe(2);
  });

  it('keeps 300,000 distinct unknown keys within the miss bounds, and they cannot push a found value out', async () => {
    const { store, gets } = countingStore();
    await store.put('catalogs/real.json', Buffer.from('{"real":true}'));
    const limits = { found: { maxEntries: 10, maxBytes: 100_000 }, misses: { maxEntries: 1000, maxBytes: 200_000 } };
    const cache = cacheOn(store, { ttlMs: 3_600_000, limits });
    await cache.get('catalogs/real.json');
    let largest = 0;
    let heaviest = 0;
    for (let index = 0; index < 300_000; index += 1) {
      await cache.get(`catalogs/unknown-${index}.json`);
      largest = Math.max(largest, cache.size.misses);
      heaviest = Math.max(heaviest, cache.size.missBytes);
    }
    expect(largest).toBe(1000);
    expect(heaviest).toBeLessThanOrEqual(200_000);
    expect(cache.size).toMatchObject({ entries: 1, misses: 1000 });
    const before = gets();
    expect(await cache.get('catalogs/real.json')).toEqual({ real: true });
    expect(gets()).toBe(before);
  });

  it('bounds found values in entries and in bytes (least recently used out first)', async () => {
    const { store, gets } = countingStore();
    for (let index = 0; index < 50; index += 1)
      await store.put(`k${index}`, Buffer.from(JSON.stringify({ pad: 'x'.repeat(1000), index })));
    const cache = cacheOn(store, {
      ttlMs: 3_600_000,
      limits: { found: { maxEntries: 20, maxBytes: 12_000 }, misses: LIMITS.misses },
    });
    for (let index = 0; index < 50; index += 1) await cache.get(`k${index}`);
    expect(cache.size.entries).toBeLessThanOrEqual(20);
    expect(cache.size.bytes).toBeLessThanOrEqual(12_000);
    expect(cache.size.entries).toBeGreaterThanOrEqual(10);
    const before = gets();
    await cache.get('k49');
    expect(gets()).toBe(before);
    await cache.get('k0');
    expect(gets()).toBe(before + 1);
  });

  it('never caches a storage failure: it rejects, and the next call tries again', async () => {
    const { store, failNext } = countingStore();
    await store.put('k', Buffer.from('{"v":1}'));
    const cache = cacheOn(store, { ttlMs: 0 });
    failNext();
    await expect(cache.get('k')).rejects.toBeInstanceOf(StorageError);
    expect(await cache.get('k')).toEqual({ v: 1 });
  });

  it('turns corrupt content into a StorageError, not a value', async () => {
    const { store } = countingStore();
    await store.put('k', Buffer.from('not json'));
    const cache = cacheOn(store, { ttlMs: 1_000 });
    await expect(cache.get('k')).rejects.toThrow(/corrupt object k/);
  });

  describe('stale-if-error', () => {
    it('answers the last good value for at most TTL + window after it was confirmed, warning once, then fails closed', async () => {
      const { store, gets, setFailing } = countingStore();
      await store.put('k', Buffer.from('{"v":1}'));
      const cache = cacheOn(store, { ttlMs: 10_000, staleIfErrorMs: 300_000 });
      expect(await cache.get('k')).toEqual({ v: 1 }); // confirmed at 1 000
      setFailing(true);

      clock = 11_000; // TTL over: this request waits for the failed revalidation, then gets the stale value
      expect(await cache.get('k')).toEqual({ v: 1 });
      expect(gets()).toBe(2);
      clock = 15_000; // within a TTL of the failed attempt: no new attempt
      expect(await cache.get('k')).toEqual({ v: 1 });
      expect(gets()).toBe(2);
      clock = 21_000; // answered at once; one retry runs behind it
      expect(await cache.get('k')).toEqual({ v: 1 });
      await Promise.resolve();
      expect(gets()).toBe(3);
      clock = 310_999; // the last moment of the window (confirmed at 1 000, TTL 10 s, window 300 s)
      expect(await cache.get('k')).toEqual({ v: 1 });
      clock = 311_000;
      await expect(cache.get('k')).rejects.toBeInstanceOf(StorageError);
      await expect(cache.get('k')).rejects.toBeInstanceOf(StorageError);

      const warnings = logLines.filter((line) => line.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ key: 'k', message: expect.stringContaining('stale catalog') });

      setFailing(false);
      expect(await cache.get('k')).toEqual({ v: 1 });
      expect(logLines.filter((line) => line.level === 'info')).toEqual([
        expect.objectContaining({ key: 'k', message: 'catalog revalidated again after storage errors' }),
      ]);
    });

    it('warns again in a new failure episode, and a value confirmed meanwhile restarts the window', async () => {
      const { store, setFailing } = countingStore();
      await store.put('k', Buffer.from('{"v":1}'));
      const cache = cacheOn(store, { ttlMs: 10_000, staleIfErrorMs: 60_000 });
      await cache.get('k');
      setFailing(true);
      clock += 10_000;
      await cache.get('k');
      setFailing(false);
      clock += 10_000;
      await cache.get('k'); // answered stale at once; the retry behind it succeeds and ends the episode
      await new Promise((resolve) => setImmediate(resolve));
      expect(logLines.filter((line) => line.level === 'info')).toHaveLength(1);
      setFailing(true);
      clock += 65_000; // 65 s after the last confirmation: within TTL + window
      expect(await cache.get('k')).toEqual({ v: 1 });
      expect(logLines.filter((line) => line.level === 'warn')).toHaveLength(2);
    });

    it('does not answer a remembered absence stale, nor anything when the window is 0', async () => {
      const { store, setFailing } = countingStore();
      await store.put('k', Buffer.from('{"v":1}'));
      const cache = cacheOn(store, { ttlMs: 10_000, staleIfErrorMs: 0 });
      await cache.get('k');
      await cache.get('absent');
      setFailing(true);
      clock += 10_000;
      await expect(cache.get('k')).rejects.toBeInstanceOf(StorageError);
      await expect(cache.get('absent')).rejects.toBeInstanceOf(StorageError);
      const stale = cacheOn(store, { ttlMs: 10_000, staleIfErrorMs: 300_000 });
      setFailing(false);
      await stale.get('absent');
      setFailing(true);
      clock += 10_000;
      await expect(stale.get('absent')).rejects.toBeInstanceOf(StorageError);
    });
  });
});
