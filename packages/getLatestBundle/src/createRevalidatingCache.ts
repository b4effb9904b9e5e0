import { StorageError, type Logger, type ObjectStore } from '@hotpatch/common';
import { createLruCache, LRU_ENTRY_OVERHEAD_BYTES, type LruLimits } from '@hotpatch/core';

export interface RevalidatingCache<T> {
  /**
   * The value under a key: from memory while fresh, else revalidated with `If-None-Match`. Null: no object.
   * When revalidation fails, a value last confirmed within the stale-if-error window is answered instead.
   */
  get(key: string): Promise<T | null>;
  /** How many storage requests it has made (for tests and benchmarks). */
  readonly storageRequests: number;
  /** What it holds now: found objects and remembered absences, each bounded by its limits. */
  readonly size: { entries: number; bytes: number; misses: number; missBytes: number };
}

export interface RevalidatingCacheLimits {
  /** Found objects; a found object weighs what `weigh` says. */
  found: LruLimits;
  /** Remembered absences; each weighs its key plus a fixed overhead. */
  misses: LruLimits;
}

export interface RevalidatingCacheOptions<T> {
  store: ObjectStore;
  /** How long a found object is answered from memory before it is revalidated. */
  ttlMs: number;
  /** How long an absence is remembered (at most `ttlMs`): short, since anonymous requests choose the keys. */
  missTtlMs: number;
  /** How long past `ttlMs` a value may still be answered while revalidation fails (0: fail at once). */
  staleIfErrorMs: number;
  limits: RevalidatingCacheLimits;
  parse: (json: unknown) => T;
  /** A value's weight in bytes, from the size of the object it was parsed from (default: that size). */
  weigh?: (value: T, objectBytes: number) => number;
  /** What the cache holds, for its log lines (`catalog`, `app record`…). */
  subject: string;
  logger?: Logger;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  etag: string | undefined;
  /** Its weight in the LRU, kept for re-storing it after a 304. */
  weight: number;
  /** When storage last confirmed the value (200 or 304). */
  validatedAt: number;
  /** When the value was last confirmed or last failed to be: the TTL runs from here. */
  checkedAt: number;
  /** Since when revalidations fail (one warning per such episode); undefined while storage answers. */
  failingSince: number | undefined;
}

/**
 * A warm-instance cache of small JSON objects (catalogs, app records, deployment keys):
 * - a found value is answered from memory for `ttlMs`, then revalidated with a conditional GET (a 304 moves no
 *   body); concurrent requests for a stale key share one storage request;
 * - an absence is remembered for `missTtlMs` only, apart from found values, so requests naming unknown keys
 *   can neither grow memory nor push real catalogs out;
 * - both are LRU caches bounded in entries and bytes (`limits`);
 * - when a revalidation fails, the value is answered stale (stale-if-error) while it was last confirmed less
 *   than `ttlMs + staleIfErrorMs` ago: the first request of a failure episode waits for the failed attempt, the
 *   following ones are answered at once while one retry per TTL runs behind them; a warning is logged once per
 *   key and episode. With nothing valid in hand the failure rejects, and the HTTP edge answers 503 (fail
 *   closed). Failures are never cached.
 */
export function createRevalidatingCache<T>(options: RevalidatingCacheOptions<T>): RevalidatingCache<T> {
  const now = options.now ?? Date.now;
  const weigh = options.weigh ?? ((_value: T, objectBytes: number) => objectBytes);
  const found = createLruCache<string, Entry<T>>(options.limits.found);
  const misses = createLruCache<string, number>(options.limits.misses);
  const inFlight = new Map<string, Promise<T | null>>();
  const missTtlMs = Math.min(options.missTtlMs, options.ttlMs);
  let storageRequests = 0;

  const keyBytes = (key: string): number => LRU_ENTRY_OVERHEAD_BYTES + key.length * 2;
  const staleUsable = (entry: Entry<T>, at: number): boolean =>
    at - entry.validatedAt < options.ttlMs + options.staleIfErrorMs;

  async function refresh(key: string, previous: Entry<T> | undefined): Promise<T | null> {
    storageRequests += 1;
    const result = await options.store.get(key, previous?.etag ? { ifNoneMatch: previous.etag } : {});
    const at = now();
    if (result === null) {
      if (previous) endEpisode(key, previous, at);
      found.delete(key);
      if (missTtlMs > 0) misses.set(key, at, keyBytes(key));
      return null;
    }
    misses.delete(key);
    if (result.status === 'notModified' && previous) {
      endEpisode(key, previous, at);
      found.set(key, { ...previous, validatedAt: at, checkedAt: at, failingSince: undefined }, previous.weight);
      return previous.value;
    }
    if (result.status === 'notModified')
      throw new StorageError(`OSS answered 304 for ${key} without a cached copy`, key);
    const value = StorageError.parseStoredJson(key, result.body, options.parse);
    if (previous) endEpisode(key, previous, at);
    const weight = weigh(value, result.body.length) + keyBytes(key);
    found.set(
      key,
      { value, etag: result.info.etag, weight, validatedAt: at, checkedAt: at, failingSince: undefined },
      weight,
    );
    return value;
  }

  function endEpisode(key: string, previous: Entry<T>, at: number): void {
    if (previous.failingSince !== undefined)
      options.logger?.info(`${options.subject} revalidated again after storage errors`, {
        key,
        failedForMs: at - previous.failingSince,
      });
  }

  /** One revalidation per key at a time; on failure, the stale value while it may still be answered. */
  function revalidate(key: string, previous: Entry<T> | undefined): Promise<T | null> {
    let pending = inFlight.get(key);
    if (pending) return pending;
    pending = refresh(key, previous)
      .catch((error: unknown) => {
        const at = now();
        if (!previous || !staleUsable(previous, at)) throw error;
        if (previous.failingSince === undefined) {
          previous.failingSince = at;
          options.logger?.warn(
            `storage failed; answering a stale ${options.subject} for at most ${Math.round((previous.validatedAt + options.ttlMs + options.staleIfErrorMs - at) / 1000)} s more`,
            {
              key,
              lastValidatedAgoMs: at - previous.validatedAt,
              error,
            },
          );
        }
        // The next attempt waits a TTL, as a successful check would; requests meanwhile get the stale value.
        previous.checkedAt = at;
        return previous.value;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
    return pending;
  }

  return {
    get(key) {
      const at = now();
      const entry = found.get(key);
      if (entry) {
        const usable = entry.failingSince === undefined || staleUsable(entry, at);
        if (usable && at - entry.checkedAt < options.ttlMs) return Promise.resolve(entry.value);
        if (entry.failingSince !== undefined && usable) {
          // Within a failure episode: answer now, retry behind this request (a rejection here reaches nobody).
          revalidate(key, entry).catch(() => undefined);
          return Promise.resolve(entry.value);
        }
        return revalidate(key, entry);
      }
      const missedAt = misses.get(key);
      if (missedAt !== undefined && at - missedAt < missTtlMs) return Promise.resolve(null);
      return revalidate(key, undefined);
    },
    get storageRequests() {
      return storageRequests;
    },
    get size() {
      return { entries: found.size, bytes: found.bytes, misses: misses.size, missBytes: misses.bytes };
    },
  };
}
