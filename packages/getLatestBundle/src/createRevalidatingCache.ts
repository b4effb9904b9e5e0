import { StorageError, type ObjectStore } from '@hotpatch/common';

export interface RevalidatingCache<T> {
  /** The value under a key: from memory while fresh, else revalidated with `If-None-Match`. Null: no object. */
  get(key: string): Promise<T | null>;
  /** How many storage requests it has made (for tests and benchmarks). */
  readonly storageRequests: number;
}

interface Entry<T> {
  value: T | null;
  etag: string | undefined;
  checkedAt: number;
}

/**
 * A warm-instance cache of small JSON objects (catalogs, app records). A value is served from memory for
 * `ttlMs`; after that the next request revalidates it with a conditional GET (a 304 moves no body). Concurrent
 * requests for a stale key share one storage request. Storage failures are never cached: they reject, and the
 * HTTP edge answers 503 (fail closed).
 */
export function createRevalidatingCache<T>(options: { store: ObjectStore; ttlMs: number; parse: (json: unknown) => T; now?: () => number }): RevalidatingCache<T> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<T>>();
  const inFlight = new Map<string, Promise<T | null>>();
  let storageRequests = 0;

  async function refresh(key: string, previous: Entry<T> | undefined): Promise<T | null> {
    storageRequests += 1;
    const result = await options.store.get(key, previous?.etag ? { ifNoneMatch: previous.etag } : {});
    const checkedAt = now();
    if (result === null) {
      entries.set(key, { value: null, etag: undefined, checkedAt });
      return null;
    }
    if (result.status === 'notModified') {
      entries.set(key, { ...previous!, checkedAt });
      return previous!.value;
    }
    const value = StorageError.parseStoredJson(key, result.body, options.parse);
    entries.set(key, { value, etag: result.info.etag, checkedAt });
    return value;
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry && now() - entry.checkedAt < options.ttlMs) return Promise.resolve(entry.value);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = refresh(key, entry).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
    get storageRequests() {
      return storageRequests;
    },
  };
}

