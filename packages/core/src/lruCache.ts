/** The two bounds of an `LruCache`: both hold at every moment. */
export interface LruLimits {
  /** At most this many entries. */
  maxEntries: number;
  /** At most this many bytes, as the caller weighs each entry when it stores it. */
  maxBytes: number;
}

/**
 * A map bounded in entries and bytes that evicts the least recently used entries first (in bulk: see
 * `createLruCache`). Every cache on the check path is one of these, so none can grow with what anonymous
 * requests name.
 */
export interface LruCache<K, V> {
  /** The value under `key`, marking it most recently used; undefined when absent. */
  get(key: K): V | undefined;
  /**
   * Stores `value` weighing `bytes`, then evicts least recently used entries until both bounds hold again.
   * A value heavier than half of `maxBytes` is not stored (and any older value under `key` is dropped).
   */
  set(key: K, value: V, bytes: number): void;
  delete(key: K): boolean;
  /** Entries held now (never more than `limits.maxEntries`). */
  readonly size: number;
  /** Bytes held now, the sum of the weights given to `set` (never more than `limits.maxBytes`). */
  readonly bytes: number;
  readonly limits: LruLimits;
}

/** An approximate fixed cost of one entry (map slot, wrapper object, key and value headers), for weights. */
export const LRU_ENTRY_OVERHEAD_BYTES = 96;

interface Slot<V> {
  value: V;
  bytes: number;
}

/**
 * An `LruCache` in two generations (the scheme of quick-lru and of many CPU caches): entries go into the
 * recent generation; when it reaches half of either bound it becomes the older one and the previous older one
 * is dropped whole; an entry read from the older generation moves back into the recent one. So whatever was
 * used since the last turn survives the next, the bounds hold at every moment, and a hit in the recent
 * generation costs one `Map` lookup: a strict LRU reorders on every hit, which halved the check path's
 * decisions per second. A value heavier than half of `maxBytes` is not stored.
 *
 * Ours rather than an npm package: it is the few lines below, core takes no dependencies beyond semver and
 * @noble/hashes, and the byte bound is weighed by the caller.
 */
export function createLruCache<K, V>(limits: LruLimits): LruCache<K, V> {
  if (!(limits.maxEntries >= 2) || !(limits.maxBytes >= 2))
    throw new RangeError(`LRU limits must be at least 2, got ${JSON.stringify(limits)}`);
  const generationEntries = Math.floor(limits.maxEntries / 2);
  const generationBytes = limits.maxBytes / 2;
  let recent = new Map<K, Slot<V>>();
  let older = new Map<K, Slot<V>>();
  let recentBytes = 0;
  let olderBytes = 0;

  const insert = (key: K, slot: Slot<V>): void => {
    if (recent.size + 1 > generationEntries || recentBytes + slot.bytes > generationBytes) {
      older = recent;
      olderBytes = recentBytes;
      recent = new Map();
      recentBytes = 0;
    }
    recent.set(key, slot);
    recentBytes += slot.bytes;
  };

  const remove = (key: K): boolean => {
    const inRecent = recent.get(key);
    if (inRecent) {
      recent.delete(key);
      recentBytes -= inRecent.bytes;
      return true;
    }
    const inOlder = older.get(key);
    if (!inOlder) return false;
    older.delete(key);
    olderBytes -= inOlder.bytes;
    return true;
  };

  return {
    get(key) {
      const hit = recent.get(key);
      if (hit) return hit.value;
      const old = older.get(key);
      if (!old) return undefined;
      older.delete(key);
      olderBytes -= old.bytes;
      insert(key, old);
      return old.value;
    },
    set(key, value, bytes) {
      remove(key);
      if (!(bytes >= 0) || bytes > generationBytes) return;
      insert(key, { value, bytes });
    },
    delete: remove,
    get size() {
      return recent.size + older.size;
    },
    get bytes() {
      return recentBytes + olderBytes;
    },
    limits,
  };
}
