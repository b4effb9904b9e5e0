import { crc32, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';

/**
 * A well-formed zip made by yazl, the zip writer the CodePush CLI uses. `mtime` stamps every entry (default:
 * now), so the same files zipped at two times give two archives with different bytes.
 */
export function makeZip(files: Record<string, string | Buffer>, options: { mtime?: Date } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files))
    zip.addBuffer(
      Buffer.isBuffer(content) ? content : Buffer.from(content),
      name,
      options.mtime ? { mtime: options.mtime } : {},
    );
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export interface RawEntry {
  /** Written as given: hostile names are the point. */
  name: string | Buffer;
  data: Buffer;
  deflate?: boolean;
  /** Unix mode in the upper 16 bits of the external attributes (0o120777 makes a symlink). */
  unixMode?: number;
  /** Lie about the uncompressed size in the headers. */
  declaredSize?: number;
  /** Set the "encrypted" flag. */
  encrypted?: boolean;
  /** Override the compression method number (12 = bzip2, which hotpatch does not accept). */
  method?: number;
}

/**
 * A minimal zip writer for hostile test archives that well-behaved writers (yazl) refuse to produce:
 * `../` names, absolute paths, symlinks, lying sizes. Test support only.
 */
export function craftZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.isBuffer(entry.name) ? entry.name : Buffer.from(entry.name, 'utf8');
    const compressed = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    // Encrypted entries carry a 12-byte encryption header before the data.
    const body = entry.encrypted ? Buffer.concat([Buffer.alloc(12), compressed]) : compressed;
    const size = entry.declaredSize ?? entry.data.length;
    const crc = crc32(entry.data);
    const flags = entry.encrypted ? 1 : 0;
    const method = entry.method ?? (entry.deflate ? 8 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
