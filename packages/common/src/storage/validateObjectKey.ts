import { InvalidKeyError } from '../errors';

/** OSS's own limit on object names, in UTF-8 bytes. */
export const MAX_OBJECT_KEY_BYTES = 1023;

/**
 * Rejects keys that OSS refuses (empty, over 1023 bytes, leading `/` or `\`) and those we refuse on top so
 * that a key can never name a path outside a store's folder: NUL, and `.` or `..` segments.
 */
export function validateObjectKey(key: string): string {
  if (key.length === 0) throw new InvalidKeyError(key, 'empty');
  checkKeyText(key, key.split('/'), (reason) => new InvalidKeyError(key, reason));
  return key;
}

/**
 * Rejects list prefixes by the same rules as keys, so that a listing never walks outside a store's folder
 * (`../../`): at most 1023 bytes, no NUL, no leading slash, no `.` or `..` segment before the last `/`. The
 * part after the last `/` only filters names (`a/.` lists `a/.hidden`), so it may be anything; `''` lists all.
 */
export function validateListPrefix(prefix: string): string {
  const folders = prefix.split('/').slice(0, -1);
  checkKeyText(prefix, folders, (reason) => {
    const error = new InvalidKeyError(prefix, reason);
    error.message = `invalid list prefix ${JSON.stringify(prefix)}: ${reason}`;
    return error;
  });
  return prefix;
}

function checkKeyText(text: string, segments: string[], refuse: (reason: string) => InvalidKeyError): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_OBJECT_KEY_BYTES) throw refuse(`longer than ${MAX_OBJECT_KEY_BYTES} bytes`);
  if (text.includes('\0')) throw refuse('contains NUL');
  if (text.startsWith('/') || text.startsWith('\\')) throw refuse('starts with a slash');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') throw refuse(`has a "${segment}" segment`);
  }
}
