import { createLruCache } from './lruCache';

describe('createLruCache', () => {
  it('evicts what was not used since the last turn, and keeps what was', () => {
    const cache = createLruCache<string, number>({ maxEntries: 4, maxBytes: 1000 });
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    cache.set('c', 3, 10); // the recent generation (2 entries) was full: a and b are now the older one
    expect(cache.get('a')).toBe(1); // a is used again: it moves back
    cache.set('d', 4, 10); // turn: c and a become the older generation, b is dropped
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
    expect(cache.size).toBeLessThanOrEqual(4);
  });

  it('turns on the byte bound too, dropping whole generations', () => {
    const cache = createLruCache<string, string>({ maxEntries: 100, maxBytes: 100 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) cache.set(key, key, 25);
    expect(cache.bytes).toBe(75);
    expect(['a', 'b', 'c', 'd', 'e'].filter((key) => cache.get(key) !== undefined)).toEqual(['c', 'd', 'e']);
  });

  it('does not store a value heavier than half the byte bound, and drops the older value under its key', () => {
    const cache = createLruCache<string, string>({ maxEntries: 10, maxBytes: 100 });
    cache.set('k', 'small', 10);
    cache.set('other', 'x', 10);
    cache.set('k', 'huge', 51);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.get('other')).toBe('x');
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(10);
  });

  it('re-weighs a replaced value and forgets deleted ones, in either generation', () => {
    const cache = createLruCache<string, string>({ maxEntries: 4, maxBytes: 100 });
    cache.set('k', 'v1', 40);
    cache.set('k', 'v2', 30);
    expect(cache.bytes).toBe(30);
    cache.set('x', 'x', 30); // turn: k is in the older generation
    expect(cache.delete('k')).toBe(true);
    expect(cache.delete('k')).toBe(false);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(30);
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
    expect(heaviest).toBeGreaterThan(40_000);
    expect(cache.get('key-299999')).toBe(299_999);
    expect(cache.get('key-0')).toBeUndefined();
  });

  it('keeps a small working set however many other keys pass through', () => {
    const cache = createLruCache<string, number>({ maxEntries: 100, maxBytes: 1_000_000 });
    for (let index = 0; index < 10_000; index += 1) {
      cache.set(`noise-${index}`, index, 10);
      for (const hot of ['h1', 'h2', 'h3']) if (cache.get(hot) === undefined) cache.set(hot, 0, 10);
    }
    let misses = 0;
    for (let index = 0; index < 1000; index += 1) {
      cache.set(`noise-again-${index}`, index, 10);
      if (cache.get('h1') === undefined) misses += 1;
    }
    expect(misses).toBe(0);
  });

  it('refuses limits that would make it unbounded or useless', () => {
    expect(() => createLruCache({ maxEntries: 1, maxBytes: 10 })).toThrow(RangeError);
    expect(() => createLruCache({ maxEntries: 10, maxBytes: Number.NaN })).toThrow(RangeError);
  });
});
