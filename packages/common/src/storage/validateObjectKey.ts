import { InvalidKeyError } from '../errors';

/** OSS's own limit on object names, in UTF-8 bytes. */
export const MAX_OBJECT_KEY_BYTES = 1023;

/**
 * Rejects keys that OSS refuses (empty, over 1023 bytes, leading `/` or `\`) and those we refuse on top so
 * that a key can never name a path outside a store's folder: NUL, and `.` or `..` segments.
 */
export function validateObjectKey(key: string): string {
  if (key.length === 0) throw new InvalidKeyError(key, 'empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_OBJECT_KEY_BYTES) throw new InvalidKeyError(key, `longer than ${MAX_OBJECT_KEY_BYTES} bytes`);
  if (key.includes('\0')) throw new InvalidKeyError(key, 'contains NUL');
  if (key.startsWith('/') || key.startsWith('\\')) throw new InvalidKeyError(key, 'starts with a slash');
  for (const segment of key.split('/')) {
    if (segment === '.' || segment === '..') throw new InvalidKeyError(key, `has a "${segment}" segment`);
  }
  return key;
}
