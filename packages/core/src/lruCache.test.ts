import { createLruCache } from './lruCache';

describe('createLruCache', () => {
  it('evicts the least recently used entry when the entry bound is reached', () => {
    const cache = createLruCache<string, number>({ maxEntries: 2, maxBytes: 1000 });
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('c', 3, 10);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(20);
  });

  it('evicts as many old entries as the byte bound needs', () => {
    const cache = createLruCache<string, string>({ maxEntries: 100, maxBytes: 100 });
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key, 25);
    cache.set('big', 'big', 60);
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect([...['a', 'b', 'c', 'd', 'big']].filter((key) => cache.get(key) !== undefined)).toEqual(['d', 'big']);
  });

  it('does not store a value heavier than the whole bound, and drops the older value under its key', () => {
    const cache = createLruCache<string, string>({ maxEntries: 10, maxBytes: 100 });
    cache.set('k', 'small', 10);
    cache.set('other', 'x', 10);
    cache.set('k', 'huge', 101);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.get('other')).toBe('x');
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(10);
  });

  it('re-weighs a replaced value and forgets deleted ones', () => {
    const cache = createLruCache<string, string>({ maxEntries: 10, maxBytes: 100 });
    cache.set('k', 'v1', 40);
    cache.set('k', 'v2', 30);
    expect(cache.bytes).toBe(30);
    expect(cache.delete('k')).toBe(true);
    expect(cache.delete('k')).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('stays within both bounds under 300,000 distinct keys', () => {
    const cache = createLruCache<string, number>({ maxEntries: 1000, maxBytes: 50_000 });
    let largest = 0;
    let heaviest = 0;
    for (let index = 0; index < 300_000; index += 1) {
      cache.set(`key-${index}`, index, 10 + (index % 90));
      largest = Math.max(largest, cache.size);
      heaviest = Math.max(heaviest, cache.bytes);
    }
    expect(largest).toBeLessThanOrEqual(1000);
    expect(heaviest).toBeLessThanOrEqual(50_000);
    expect(heaviest).toBeGreaterThan(49_000);
    expect(cache.get('key-299999')).toBe(299_999);
    expect(cache.get('key-0')).toBeUndefined();
  });

  it('refuses limits that would make it unbounded or useless', () => {
    expect(() => createLruCache({ maxEntries: 0, maxBytes: 10 })).toThrow(RangeError);
    expect(() => createLruCache({ maxEntries: 10, maxBytes: Number.NaN })).toThrow(RangeError);
  });
});
