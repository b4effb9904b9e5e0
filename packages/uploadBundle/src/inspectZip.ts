import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { isCodePushSignature, RELEASE_SETTINGS_FILE, type PackageFile } from '@hotpatch/core';
import type { UploadLimits } from './loadUploadConfig';

/** What a valid zip holds: every file with its hash, plus the two files hotpatch reads. */
export interface ZipContents {
  files: (PackageFile & { size: number })[];
  /** Parsed `hotpatch.json` at the zip root, when present. */
  hotpatchJson: unknown;
  /** Text of the `.codepushrelease` signature, when present. */
  signature: { path: string; jwt: string } | undefined;
  /** The bytes of the files asked for by path (`keep`), when present. */
  kept: Record<string, Buffer>;
}

export type ZipInspection = { ok: true; contents: ZipContents } | { ok: false; reasons: string[] };

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** A single entry this large must compress plausibly; tiny files may legitimately compress very well. */
const RATIO_CHECK_MIN_BYTES = 1024 * 1024;
const MAX_SMALL_FILE_BYTES = 64 * 1024;
/** Files read into memory on request (an Expo export's `metadata.json` lists every asset, so it may be large). */
const MAX_KEPT_FILE_BYTES = 4 * 1024 * 1024;
/** zlib's default 16 KiB output chunks cost one thread-pool round trip each; bigger chunks inflate faster. */
const INFLATE_CHUNK_BYTES = 256 * 1024;
const STORED = 0;
const DEFLATED = 8;

class Rejection extends Error {}

/** Why an entry name is unacceptable, or the `/`-separated path it names. */
export function checkEntryName(raw: Buffer): { path: string } | { reason: string } {
  const shown = JSON.stringify(raw.toString('latin1'));
  if (raw.length === 0) return { reason: 'an entry has an empty name' };
  if (raw.some((byte) => byte < 0x20 || byte > 0x7e))
    return { reason: `entry ${shown} has a name that is not printable ASCII` };
  const name = raw.toString('ascii');
  if (name.includes('\\')) return { reason: `entry ${shown} uses a backslash in its path` };
  if (name.startsWith('/')) return { reason: `entry ${shown} has an absolute path` };
  if (/^[A-Za-z]:/.test(name)) return { reason: `entry ${shown} names a drive letter` };
  const segments = name.endsWith('/') ? name.slice(0, -1).split('/') : name.split('/');
  if (segments.includes('..')) return { reason: `entry ${shown} escapes the package root ("..")` };
  if (segments.some((segment) => segment === '' || segment === '.'))
    return { reason: `entry ${shown} has an empty or "." path segment` };
  return { path: name };
}

/** Closing a zip that yauzl already closed (autoClose, or after an error) is harmless here. */
function closeQuietly(zip: ZipFile): void {
  try {
    if (zip.isOpen) zip.close();
  } catch {
    // already closed
  }
}

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    );
  });
}

/** The entry's stored bytes (never inflated by yauzl: we inflate ourselves, in bigger chunks). */
function openRawEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, { decompress: entry.compressionMethod === DEFLATED ? false : null }, (error, stream) =>
      error ? reject(error) : resolve(stream),
    ),
  );
}

/** Hashes an entry's content, checking it holds exactly the size its headers declare (no lying headers). */
async function readEntry(
  zip: ZipFile,
  entry: Entry,
  keepBytes: boolean,
  maxKeptBytes = MAX_SMALL_FILE_BYTES,
): Promise<{ sha256: string; size: number; bytes: Buffer | undefined }> {
  const raw = await openRawEntry(zip, entry);
  const stream =
    entry.compressionMethod === DEFLATED
      ? pipeline(raw, createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }), () => undefined)
      : raw;
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > entry.uncompressedSize) {
      stream.destroy();
      throw new Error(`holds more than the ${entry.uncompressedSize} bytes its header declares`);
    }
    hash.update(chunk as Buffer);
    if (keepBytes && size <= maxKeptBytes) kept.push(chunk as Buffer);
  }
  if (size !== entry.uncompressedSize)
    throw new Error(`holds ${size} bytes, not the ${entry.uncompressedSize} its header declares`);
  return {
    sha256: hash.digest('hex'),
    size,
    bytes: keepBytes && size <= maxKeptBytes ? Buffer.concat(kept) : undefined,
  };
}

/**
 * Reads a zip defensively, streaming every entry once: no entry may escape the root (`..`, absolute paths,
 * drive letters, backslashes), no symlinks or encrypted entries, names printable ASCII, entry count, total
 * uncompressed size and compression ratio bounded, declared sizes checked against the actual bytes.
 */
export async function inspectZip(
  file: string,
  fileSize: number,
  limits: UploadLimits,
  keep: readonly string[] = [],
): Promise<ZipInspection> {
  let zip: ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    return { ok: false, reasons: [`not a readable zip archive (truncated or corrupt): ${(error as Error).message}`] };
  }
  if (zip.entryCount > limits.maxEntries) {
    closeQuietly(zip);
    return { ok: false, reasons: [`zip has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`] };
  }

  const contents: ZipContents = { files: [], hotpatchJson: undefined, signature: undefined, kept: {} };
  const seen = new Set<string>();
  let declaredTotal = 0;

  const handleEntry = async (entry: Entry): Promise<void> => {
    const checked = checkEntryName(entry.fileName as unknown as Buffer);
    if ('reason' in checked) throw new Rejection(checked.reason);
    const entryPath = checked.path;
    if (seen.has(entryPath)) throw new Rejection(`entry ${JSON.stringify(entryPath)} appears twice`);
    seen.add(entryPath);
    const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (mode === S_IFLNK) throw new Rejection(`entry ${JSON.stringify(entryPath)} is a symbolic link`);
    if (entry.isEncrypted()) throw new Rejection(`entry ${JSON.stringify(entryPath)} is encrypted`);
    if (entryPath.endsWith('/')) return;
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
      throw new Rejection(
        `entry ${JSON.stringify(entryPath)} uses compression method ${entry.compressionMethod}; only stored and deflate are supported`,
      );
    }

    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes)
      throw new Rejection(`zip expands to more than the limit of ${limits.maxUncompressedBytes} bytes`);
    if (
      entry.uncompressedSize >= RATIO_CHECK_MIN_BYTES &&
      entry.uncompressedSize / Math.max(entry.compressedSize, 1) > limits.maxCompressionRatio
    ) {
      throw new Rejection(
        `entry ${JSON.stringify(entryPath)} has a compression ratio over ${limits.maxCompressionRatio} (a zip bomb?)`,
      );
    }
    const isHotpatchJson = entryPath === RELEASE_SETTINGS_FILE;
    const isSignature = isCodePushSignature(entryPath);
    const isKept = keep.includes(entryPath);
    let read;
    try {
      read = isKept
        ? await readEntry(zip, entry, true, MAX_KEPT_FILE_BYTES)
        : await readEntry(zip, entry, isHotpatchJson || isSignature);
    } catch (error) {
      throw new Rejection(`entry ${JSON.stringify(entryPath)} is corrupt: ${(error as Error).message}`);
    }
    contents.files.push({ path: entryPath, sha256: read.sha256, size: read.size });
    if (isKept) {
      if (!read.bytes) throw new Rejection(`${entryPath} is larger than ${MAX_KEPT_FILE_BYTES} bytes`);
      contents.kept[entryPath] = read.bytes;
    }
    if (isHotpatchJson) {
      if (!read.bytes) throw new Rejection(`hotpatch.json is larger than ${MAX_SMALL_FILE_BYTES} bytes`);
      try {
        contents.hotpatchJson = JSON.parse(read.bytes.toString('utf8'));
      } catch {
        throw new Rejection('hotpatch.json is not valid JSON');
      }
    }
    if (isSignature) {
      if (!read.bytes) throw new Rejection(`${entryPath} is larger than ${MAX_SMALL_FILE_BYTES} bytes`);
      if (contents.signature)
        throw new Rejection(`the zip holds two signatures (${contents.signature.path}, ${entryPath})`);
      contents.signature = { path: entryPath, jwt: read.bytes.toString('utf8') };
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        handleEntry(entry).then(() => zip.readEntry(), reject);
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: Error) =>
        reject(new Rejection(`not a readable zip archive (truncated or corrupt): ${error.message}`)),
      );
      zip.readEntry();
    });
  } catch (error) {
    closeQuietly(zip);
    if (error instanceof Rejection) return { ok: false, reasons: [error.message] };
    throw error;
  }
  if (fileSize > 0 && declaredTotal / fileSize > limits.maxCompressionRatio && declaredTotal >= RATIO_CHECK_MIN_BYTES) {
    return {
      ok: false,
      reasons: [
        `zip expands ${Math.round(declaredTotal / fileSize)} times its size, over the limit of ${limits.maxCompressionRatio} (a zip bomb?)`,
      ],
    };
  }
  return { ok: true, contents };
}

/**
 * Reads the named files of a zip that `inspectZip` accepted, one at a time, and hands each one's bytes to
 * `use` after checking they still hash to `sha256` (the file on disk is ours, but the check costs little and
 * makes what is stored exactly what was inspected). Files not named are skipped unread.
 */
export async function readZipFiles(
  file: string,
  wanted: ReadonlyMap<string, string>,
  use: (path: string, bytes: Buffer) => Promise<void>,
): Promise<void> {
  const zip = await openZip(file);
  try {
    await new Promise<void>((resolve, reject) => {
      const handle = async (entry: Entry): Promise<void> => {
        const checked = checkEntryName(entry.fileName as unknown as Buffer);
        const sha256 = 'path' in checked ? wanted.get(checked.path) : undefined;
        if (sha256 === undefined) return;
        const read = await readEntry(zip, entry, true, Number.MAX_SAFE_INTEGER);
        if (read.sha256 !== sha256) throw new Error(`${entry.fileName.toString()} changed since it was inspected`);
        await use((checked as { path: string }).path, read.bytes!);
      };
      zip.on('entry', (entry: Entry) => {
        handle(entry).then(() => zip.readEntry(), reject);
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    closeQuietly(zip);
  }
}
