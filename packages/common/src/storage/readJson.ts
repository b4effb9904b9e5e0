import { StorageError } from '../errors';
import type { ObjectStore } from './ObjectStore';

/**
 * Reads a JSON object and checks its shape with `parse`; `null` when it does not exist. Unparseable or
 * ill-shaped content is a `StorageError`: corrupt state must never read as "nothing there".
 */
export async function readJson<T>(store: ObjectStore, key: string, parse: (json: unknown) => T): Promise<T | null> {
  const result = await store.get(key);
  if (result === null) return null;
  if (result.status !== 'found') throw new StorageError(`unexpected conditional answer for ${key}`, key);
  return StorageError.parseStoredJson(key, result.body, parse);
}

/** Writes a value as JSON. */
export function writeJson(
  store: ObjectStore,
  key: string,
  value: unknown,
  options: { forbidOverwrite?: boolean } = {},
): Promise<{ etag: string }> {
  return store.put(key, Buffer.from(JSON.stringify(value)), { contentType: 'application/json', ...options });
}
