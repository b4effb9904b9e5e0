import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Reads a put body into memory with its MD5 (the ETag OSS gives a simple upload). */
export async function readBody(body: Buffer | string | Readable): Promise<{ bytes: Buffer; etag: string }> {
  let bytes: Buffer;
  if (Buffer.isBuffer(body)) bytes = body;
  else if (typeof body === 'string') bytes = Buffer.from(body, 'utf8');
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    bytes = Buffer.concat(chunks);
  }
  return { bytes, etag: md5Etag(bytes) };
}

export function md5Etag(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex').toUpperCase();
}
