import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { quoteEtag, type ObjectInfo } from '@hotpatch/common';
import { OssRequestError } from './OssRequestError';

// How the local OSS server reads requests and writes object headers (helpers of the operation modules).

/** OSS's limit on the total size of `x-oss-meta-*` headers. */
const MAX_METADATA_BYTES = 8 * 1024;
const MAX_XML_BODY_BYTES = 1024 * 1024;

export const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(',') : value;

/** Node reads header bytes as latin1; ali-oss sends UTF-8 (and signs the UTF-8 text). */
export function utf8Header(value: string): string {
  const decoded = Buffer.from(value, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? value : decoded;
}

export function userMetadata(request: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(request.headers)) {
    if (!name.startsWith('x-oss-meta-') || value === undefined) continue;
    const text = utf8Header(headerValue(value)!);
    bytes += Buffer.byteLength(name) + Buffer.byteLength(text);
    metadata[name.slice('x-oss-meta-'.length)] = text;
  }
  if (bytes > MAX_METADATA_BYTES)
    throw new OssRequestError(
      400,
      'MetadataTooLarge',
      `Your metadata headers exceed the maximum allowed metadata size of ${MAX_METADATA_BYTES} bytes.`,
    );
  return metadata;
}

export function forbidOverwrite(request: IncomingMessage): boolean {
  const value = headerValue(request.headers['x-oss-forbid-overwrite']);
  if (value === undefined) return false;
  if (value !== 'true' && value !== 'false')
    throw new OssRequestError(400, 'InvalidArgument', 'x-oss-forbid-overwrite must be "true" or "false".', {
      ArgumentName: 'x-oss-forbid-overwrite',
      ArgumentValue: value,
    });
  return value === 'true';
}

/** Fails the write when the body's MD5 differs from the Content-MD5 header (OSS: 400 InvalidDigest). */
export function checkContentMd5(body: Readable, expected: string | undefined): Readable {
  if (expected === undefined) return body;
  const md5 = createHash('md5');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = md5.digest('base64');
      callback(
        actual === expected
          ? null
          : new OssRequestError(400, 'InvalidDigest', 'The Content-MD5 you specified did not match what we received.', {
              CalculatedMD5: actual,
            }),
      );
    },
  });
  body.on('error', (error) => check.destroy(error));
  return body.pipe(check);
}

export async function readSmallBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_XML_BODY_BYTES) throw new OssRequestError(400, 'MalformedXML', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An error that a store wrapped keeps its OSS meaning (e.g. InvalidDigest raised inside the body stream). */
export function unwrapRequestError(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof OssRequestError) return current;
    current = current.cause;
  }
  return error;
}

/** Parses `Range: bytes=a-b | a- | -n` against a size; anything else is ignored, as OSS does. */
export function parseRange(header: string | undefined, size: number): { start: number; end?: number } | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') return { start: Math.max(0, size - Number(match[2])) };
  const start = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  return match[2] === '' ? { start } : { start, end: Number(match[2]) };
}

export function objectHeaders(info: ObjectInfo): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': info.contentType,
    ETag: quoteEtag(info.etag),
    'Last-Modified': info.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-oss-object-type': 'Normal',
    'x-oss-storage-class': 'Standard',
  };
  for (const [name, value] of Object.entries(info.metadata)) headers[`x-oss-meta-${name}`] = value;
  if (info.cacheControl) headers['Cache-Control'] = info.cacheControl;
  return headers;
}

export const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-disposition': 'Content-Disposition',
  'response-cache-control': 'Cache-Control',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-content-encoding': 'Content-Encoding',
};
