/** The two bounds of an `LruCache`: both hold at every moment. */
export interface LruLimits {
  /** At most this many entries. */
  maxEntries: number;
  /** At most this many bytes, as the caller weighs each entry when it stores it. */
  maxBytes: number;
}

/**
 * A map bounded in entries and bytes that evicts the least recently used entries first. Every cache on the
 * check path is one of these, so none can grow with what anonymous requests name.
 */
export interface LruCache<K, V> {
  /** The value under `key`, marking it most recently used; undefined when absent. */
  get(key: K): V | undefined;
  /**
   * Stores `value` weighing `bytes`, then evicts least recently used entries until both bounds hold again.
   * A value heavier than `maxBytes` on its own is not stored (and any older value under `key` is dropped).
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

/**
 * An `LruCache` on a `Map` (whose iteration order is insertion order: re-inserting on use keeps the least
 * recently used entry first, so eviction is O(1)). Ours rather than an npm package: it is the few lines below,
 * core may not take dependencies beyond semver and @noble/hashes, and the byte bound is weighed by the caller.
 */
export function createLruCache<K, V>(limits: LruLimits): LruCache<K, V> {
  if (!(limits.maxEntries >= 1) || !(limits.maxBytes >= 1)) throw new RangeError(`LRU limits must be positive, got ${JSON.stringify(limits)}`);
  const entries = new Map<K, { value: V; bytes: number }>();
  let bytes = 0;

  const remove = (key: K): boolean => {
    const entry = entries.get(key);
    if (!entry) return false;
    entries.delete(key);
    bytes -= entry.bytes;
    return true;
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, weight) {
      remove(key);
      if (!(weight >= 0) || weight > limits.maxBytes) return;
      entries.set(key, { value, bytes: weight });
      bytes += weight;
      for (const [oldest] of entries) {
        if (entries.size <= limits.maxEntries && bytes <= limits.maxBytes) break;
        remove(oldest);
      }
    },
    delete: remove,
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    limits,
  };
}
