import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { link, mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidKeyError, ObjectExistsError, StorageError } from '../errors';
import { clampRange } from './clampRange';
import { createDownloadUrlBuilder, type DownloadUrlConfig } from './createDownloadUrlBuilder';
import type { ListedObject, ObjectInfo, ObjectStore, PutOptions } from './ObjectStore';
import { normalizeEtag } from './normalizeEtag';
import { paginateListing } from './paginateListing';
import { validateListPrefix, validateObjectKey } from './validateObjectKey';

export interface FsStoreOptions {
  /** The folder that holds the objects; created when missing. */
  directory: string;
  /** How `downloadUrl` builds links (default: `file://` URLs of the objects' folder, for inspection only). */
  downloadUrl?: DownloadUrlConfig;
}

/*
 * On-disk layout. Each object is one file, so that one rename publishes content and metadata together:
 *   <directory>/objects/<segment>/<segment>/<last segment>@   body bytes, then the metadata JSON, then a
 *                                                            4-byte big-endian JSON length and the magic "hpo1".
 * Key segments are percent-encoded (encodeURIComponent; an empty segment is "%"), and '@' is always encoded
 * inside a segment, so an object file ("a@") never collides with the folder of a longer key ("a/b" → "a/").
 * Writes go to <directory>/.tmp first and are renamed (or hard-linked, for create-if-absent) into place.
 */
const OBJECT_SUFFIX = '@';
const TRAILER_MAGIC = Buffer.from('hpo1');
const TRAILER_FIXED_BYTES = 8;
const MAX_METADATA_BYTES = 64 * 1024;
const MAX_SEGMENT_BYTES = 250;
const STALE_TEMP_MS = 10 * 60 * 1000;

interface StoredMetadata {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  contentType: string;
  metadata: Record<string, string>;
  cacheControl?: string;
}

function encodeSegment(segment: string, key: string): string {
  if (segment === '') return '%';
  const encoded = encodeURIComponent(segment);
  if (encoded.length > MAX_SEGMENT_BYTES)
    throw new InvalidKeyError(
      key,
      `a path segment is too long for the filesystem store (${encoded.length} bytes encoded, at most ${MAX_SEGMENT_BYTES})`,
    );
  return encoded;
}

function decodeSegment(name: string): string {
  return name === '%' ? '' : decodeURIComponent(name);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Names the key and the system error code, never the file's path: the store's folder is nobody's business. */
function storageFailure(action: string, key: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new StorageError(`filesystem store could not ${action} ${key}: ${code ?? (error as Error).message}`, key, {
    cause: error,
  });
}

/** Removes temp files that a crashed writer left behind; recent ones may belong to a live writer. */
function sweepStaleTempFiles(tempDirectory: string): void {
  for (const name of readdirSync(tempDirectory)) {
    const file = path.join(tempDirectory, name);
    try {
      if (Date.now() - statSync(file).mtimeMs > STALE_TEMP_MS) rmSync(file, { force: true });
    } catch {
      // Another process swept it first.
    }
  }
}

/** A store in a local folder: atomic writes, survives restarts, lists in OSS order. */
export function createFsStore(options: FsStoreOptions): ObjectStore {
  const objectsDirectory = path.resolve(options.directory, 'objects');
  const tempDirectory = path.resolve(options.directory, '.tmp');
  mkdirSync(objectsDirectory, { recursive: true });
  mkdirSync(tempDirectory, { recursive: true });
  sweepStaleTempFiles(tempDirectory);
  const downloadUrl = createDownloadUrlBuilder(
    options.downloadUrl ?? { mode: 'public', baseUrl: `file://${objectsDirectory}` },
  );

  function objectPath(key: string): string {
    validateObjectKey(key);
    const segments = key.split('/').map((segment) => encodeSegment(segment, key));
    segments[segments.length - 1] += OBJECT_SUFFIX;
    return path.join(objectsDirectory, ...segments);
  }

  async function readMetadata(file: FileHandle): Promise<StoredMetadata> {
    const { size } = await file.stat();
    const fixed = Buffer.alloc(TRAILER_FIXED_BYTES);
    if (size < TRAILER_FIXED_BYTES) throw new StorageError('object file is truncated');
    await file.read(fixed, 0, TRAILER_FIXED_BYTES, size - TRAILER_FIXED_BYTES);
    const jsonLength = fixed.readUInt32BE(0);
    if (
      !fixed.subarray(4).equals(TRAILER_MAGIC) ||
      jsonLength > MAX_METADATA_BYTES ||
      jsonLength + TRAILER_FIXED_BYTES > size
    ) {
      throw new StorageError('object file has no valid metadata trailer');
    }
    const json = Buffer.alloc(jsonLength);
    await file.read(json, 0, jsonLength, size - TRAILER_FIXED_BYTES - jsonLength);
    return JSON.parse(json.toString('utf8')) as StoredMetadata;
  }

  const toInfo = (stored: StoredMetadata): ObjectInfo => ({ ...stored, lastModified: new Date(stored.lastModified) });

  /** Opens an object for reading; null when it does not exist. The open handle pins this version of it. */
  async function openObject(key: string): Promise<{ file: FileHandle; info: ObjectInfo } | null> {
    const target = objectPath(key);
    let file: FileHandle;
    try {
      file = await open(target, 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw storageFailure('open', key, error);
    }
    try {
      return { file, info: toInfo(await readMetadata(file)) };
    } catch (error) {
      await file.close();
      throw storageFailure('read', key, error);
    }
  }

  /** Streams the body into a temp file with the metadata trailer; returns the temp path and the ETag. */
  async function writeTempObject(
    key: string,
    body: Readable,
    putOptions: PutOptions,
  ): Promise<{ tempFile: string; etag: string }> {
    const tempFile = path.join(tempDirectory, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const md5 = createHash('md5');
    let size = 0;
    let etag = '';
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
      flush(callback) {
        etag = md5.digest('hex').toUpperCase();
        const stored: StoredMetadata = {
          key,
          size,
          etag,
          lastModified: new Date().toISOString(),
          contentType: putOptions.contentType ?? 'application/octet-stream',
          metadata: { ...putOptions.metadata },
          ...(putOptions.cacheControl ? { cacheControl: putOptions.cacheControl } : {}),
        };
        const json = Buffer.from(JSON.stringify(stored), 'utf8');
        const fixed = Buffer.alloc(TRAILER_FIXED_BYTES);
        fixed.writeUInt32BE(json.length, 0);
        TRAILER_MAGIC.copy(fixed, 4);
        this.push(json);
        this.push(fixed);
        callback();
      },
    });
    try {
      await pipeline(body, measure, createWriteStream(tempFile, { flags: 'wx' }));
    } catch (error) {
      await unlink(tempFile).catch(() => undefined);
      throw storageFailure('write', key, error);
    }
    return { tempFile, etag };
  }

  async function publish(key: string, tempFile: string, forbidOverwrite: boolean): Promise<void> {
    const target = objectPath(key);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      if (forbidOverwrite) {
        // link() fails with EEXIST when the target exists: an atomic create-if-absent.
        await link(tempFile, target);
        await unlink(tempFile);
      } else {
        await rename(tempFile, target);
      }
    } catch (error) {
      await unlink(tempFile).catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectExistsError(key);
      throw storageFailure('publish', key, error);
    }
  }

  async function putObject(
    key: string,
    body: Buffer | string | Readable,
    putOptions: PutOptions = {},
  ): Promise<{ etag: string }> {
    const target = objectPath(key);
    if (putOptions.forbidOverwrite && (await exists(target))) {
      // Fail before reading a possibly large body; the link() in publish() still decides races.
      if (!Buffer.isBuffer(body) && typeof body !== 'string') body.resume();
      throw new ObjectExistsError(key);
    }
    const source = Buffer.isBuffer(body) || typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body;
    const { tempFile, etag } = await writeTempObject(key, source, putOptions);
    await publish(key, tempFile, putOptions.forbidOverwrite ?? false);
    return { etag };
  }

  async function exists(file: string): Promise<boolean> {
    try {
      await (await open(file, 'r')).close();
      return true;
    } catch {
      return false;
    }
  }

  /** Every object under the deepest folder the prefix names fully (a listing then filters by the prefix). */
  async function collect(prefix: string): Promise<ListedObject[]> {
    const fullSegments = prefix.split('/').slice(0, -1);
    const found: ListedObject[] = [];
    const walk = async (directory: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.isDirectory()) {
          await walk(path.join(directory, entry.name), `${keyPrefix}${decodeSegment(entry.name)}/`);
        } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
          const key = keyPrefix + decodeSegment(entry.name.slice(0, -OBJECT_SUFFIX.length));
          if (!key.startsWith(prefix)) continue;
          const opened = await openObject(key);
          if (!opened) continue; // deleted while listing
          await opened.file.close();
          const { size, etag, lastModified } = opened.info;
          found.push({ key, size, etag, lastModified });
        }
      }
    };
    const startDirectory = path.join(
      objectsDirectory,
      ...fullSegments.map((segment) => encodeSegment(segment, prefix)),
    );
    await walk(startDirectory, fullSegments.map((segment) => `${segment}/`).join(''));
    return found;
  }

  return {
    kind: 'fs',

    async get(key, getOptions = {}) {
      const opened = await openObject(key);
      if (!opened) return null;
      try {
        if (getOptions.ifNoneMatch && normalizeEtag(getOptions.ifNoneMatch) === opened.info.etag) {
          return { status: 'notModified', etag: opened.info.etag };
        }
        const body = Buffer.alloc(opened.info.size);
        await opened.file.read(body, 0, body.length, 0);
        return { status: 'found', info: opened.info, body };
      } catch (error) {
        throw storageFailure('read', key, error);
      } finally {
        await opened.file.close();
      }
    },

    async getStream(key, streamOptions = {}) {
      const opened = await openObject(key);
      if (!opened) return null;
      const { info, file } = opened;
      try {
        const range = streamOptions.range ? clampRange(info.size, streamOptions.range, key) : undefined;
        const body =
          info.size === 0 && !range
            ? Readable.from([])
            : file.createReadStream({ start: range?.start ?? 0, end: range?.end ?? info.size - 1, autoClose: true });
        if (info.size === 0 && !range) await file.close();
        return range ? { info, body, range } : { info, body };
      } catch (error) {
        await file.close();
        throw storageFailure('read', key, error);
      }
    },

    async head(key) {
      const opened = await openObject(key);
      if (!opened) return null;
      await opened.file.close();
      return opened.info;
    },

    put: putObject,

    async list(listOptions = {}) {
      // Only the prefix's whole segments become a folder path, but they are checked like a key's first.
      const prefix = validateListPrefix(listOptions.prefix ?? '');
      try {
        return paginateListing(await collect(prefix), listOptions);
      } catch (error) {
        throw storageFailure('list', listOptions.prefix ?? '', error);
      }
    },

    async delete(key) {
      try {
        await unlink(objectPath(key));
      } catch (error) {
        if (!isMissing(error)) throw storageFailure('delete', key, error);
      }
    },

    async copy(sourceKey, targetKey, copyOptions = {}) {
      objectPath(targetKey);
      const opened = await openObject(sourceKey);
      if (!opened) return null;
      const { info, file } = opened;
      if (copyOptions.ifSourceEtag !== undefined && normalizeEtag(copyOptions.ifSourceEtag) !== info.etag) {
        await file.close();
        return null;
      }
      const replace = copyOptions.metadata !== undefined || copyOptions.contentType !== undefined;
      const body =
        info.size === 0 ? Readable.from([]) : file.createReadStream({ start: 0, end: info.size - 1, autoClose: true });
      try {
        return await putObject(targetKey, body, {
          forbidOverwrite: copyOptions.forbidOverwrite ?? false,
          contentType: replace ? copyOptions.contentType : info.contentType,
          metadata: replace ? copyOptions.metadata : info.metadata,
          ...((replace ? copyOptions.cacheControl : info.cacheControl)
            ? { cacheControl: replace ? copyOptions.cacheControl : info.cacheControl }
            : {}),
        });
      } finally {
        if (info.size === 0) await file.close();
      }
    },

    downloadUrl,
  };
}
