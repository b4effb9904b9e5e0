import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError, type ObjectStore } from '@hotpatch/common';

export interface TempFile {
  path: string;
  size: number;
  sha256: string;
  /** The first bytes, to tell a zip from anything else. */
  head: Buffer;
  remove(): Promise<void>;
}

/**
 * Streams an object to a temp file (never the whole object in memory), hashing it on the way. Resolves null
 * when the object has disappeared.
 */
export async function downloadToTempFile(store: ObjectStore, key: string, directory: string): Promise<TempFile | null> {
  const object = await store.getStream(key);
  if (!object) return null;
  const file = path.join(directory, `hotpatch-upload-${randomBytes(8).toString('hex')}`);
  const sha256 = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sha256.update(chunk);
      if (head.length < 8) head = Buffer.concat([head, chunk.subarray(0, 8 - head.length)]);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(object.body, measure, createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    await unlink(file).catch(() => undefined);
    throw new StorageError(`could not download ${key}: ${(error as Error).message}`, key, { cause: error });
  }
  return { path: file, size, sha256: sha256.digest('hex'), head, remove: () => unlink(file).catch(() => undefined) };
}
