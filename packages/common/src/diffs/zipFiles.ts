import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import yazl from 'yazl';

function open(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => (error ? reject(error) : resolve(zip))),
  );
}

/**
 * Visits every file entry of a zip (already validated at upload) in order; `visit` gets the entry's name and
 * a stream of its content, and must consume it.
 */
async function forEachZipFile(
  file: string,
  visit: (name: string, open: () => Promise<NodeJS.ReadableStream>) => Promise<void>,
): Promise<void> {
  const zip = await open(file);
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      const openStream = () =>
        new Promise<NodeJS.ReadableStream>((done, fail) =>
          zip.openReadStream(entry, (error, stream) => (error ? fail(error) : done(stream))),
        );
      visit(entry.fileName, openStream).then(() => zip.readEntry(), reject);
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Extracts the named files of a zip into a folder (paths were validated at upload). */
export async function extractFiles(file: string, names: ReadonlySet<string>, directory: string): Promise<void> {
  await forEachZipFile(file, async (name, openStream) => {
    const stream = await openStream();
    if (!names.has(name)) {
      stream.resume();
      await new Promise((resolve) => stream.on('end', resolve));
      return;
    }
    const target = path.join(directory, ...name.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    await pipeline(stream, createWriteStream(target));
  });
}

/** Writes a zip of files from a folder (by their `/` paths) plus extra in-memory entries. */
export async function writeZip(
  output: string,
  directory: string,
  names: readonly string[],
  extra: Record<string, Buffer>,
): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(extra)) zip.addBuffer(content, name);
  for (const name of names) zip.addFile(path.join(directory, ...name.split('/')), name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(output));
}

/** SHA-256 of every file entry of a zip, and the small files' bytes (for `hotcodepush.json`). */
export async function hashZipFiles(file: string): Promise<Map<string, { sha256: string; bytes?: Buffer }>> {
  const files = new Map<string, { sha256: string; bytes?: Buffer }>();
  await forEachZipFile(file, async (name, openStream) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    for await (const chunk of await openStream()) {
      hash.update(chunk as Buffer);
      if (name === 'hotcodepush.json') chunks.push(chunk as Buffer);
    }
    files.set(name, {
      sha256: hash.digest('hex'),
      ...(name === 'hotcodepush.json' ? { bytes: Buffer.concat(chunks) } : {}),
    });
  });
  return files;
}
