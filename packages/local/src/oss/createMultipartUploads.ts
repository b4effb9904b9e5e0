import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OssRequestError } from './OssRequestError';

/** What InitiateMultipartUpload fixed for the object that CompleteMultipartUpload will create. */
interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  contentType: string;
  metadata: Record<string, string>;
  forbidOverwrite: boolean;
  initiated: string;
}

/** OSS: every part but the last must be at least 100 KB; part numbers run 1–10000. */
const MIN_PART_BYTES = 100 * 1024;
export const MAX_PART_NUMBER = 10000;

export interface MultipartUploads {
  initiate(upload: Omit<MultipartUpload, 'uploadId' | 'initiated'>): Promise<MultipartUpload>;
  get(bucket: string, key: string, uploadId: string): Promise<MultipartUpload>;
  /** Stores one part atomically; returns its ETag (MD5, upper-case hex). */
  uploadPart(upload: MultipartUpload, partNumber: number, body: Readable): Promise<string>;
  /** Checks the client's part list against the stored parts and returns the assembled body. */
  assemble(upload: MultipartUpload, parts: { partNumber: number; etag: string }[]): Promise<Readable>;
  remove(upload: MultipartUpload): Promise<void>;
}

async function md5OfFile(file: string): Promise<string> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(file)) md5.update(chunk as Buffer);
  return md5.digest('hex').toUpperCase();
}

/** Parts of unfinished multipart uploads, kept in `<directory>/<uploadId>/` until completed or aborted. */
export function createMultipartUploads(directory: string): MultipartUploads {
  const uploadDirectory = (uploadId: string): string => path.join(directory, uploadId);
  const partFile = (uploadId: string, partNumber: number): string =>
    path.join(uploadDirectory(uploadId), `part-${partNumber}`);

  return {
    async initiate(fields) {
      const upload: MultipartUpload = {
        ...fields,
        uploadId: randomBytes(16).toString('hex').toUpperCase(),
        initiated: new Date().toISOString(),
      };
      await mkdir(uploadDirectory(upload.uploadId), { recursive: true });
      await writeFile(path.join(uploadDirectory(upload.uploadId), 'upload.json'), JSON.stringify(upload));
      return upload;
    },

    async get(bucket, key, uploadId) {
      const noSuchUpload = new OssRequestError(
        404,
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: uploadId },
      );
      if (!/^[0-9A-F]{32}$/.test(uploadId)) throw noSuchUpload;
      let upload: MultipartUpload;
      try {
        upload = JSON.parse(
          await readFile(path.join(uploadDirectory(uploadId), 'upload.json'), 'utf8'),
        ) as MultipartUpload;
      } catch {
        throw noSuchUpload;
      }
      if (upload.bucket !== bucket || upload.key !== key) throw noSuchUpload;
      return upload;
    },

    async uploadPart(upload, partNumber, body) {
      const temp = `${partFile(upload.uploadId, partNumber)}.${randomBytes(6).toString('hex')}.tmp`;
      const md5 = createHash('md5');
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(body, hashing, createWriteStream(temp, { flags: 'wx' }));
        await rename(temp, partFile(upload.uploadId, partNumber));
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      return md5.digest('hex').toUpperCase();
    },

    async assemble(upload, parts) {
      if (parts.length === 0)
        throw new OssRequestError(
          400,
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema: no parts.',
        );
      const files: string[] = [];
      for (const [index, part] of parts.entries()) {
        if (index > 0 && part.partNumber <= parts[index - 1]!.partNumber) {
          throw new OssRequestError(
            400,
            'InvalidPartOrder',
            'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
          );
        }
        const file = partFile(upload.uploadId, part.partNumber);
        let size: number;
        let stored: string;
        try {
          size = (await stat(file)).size;
          stored = await md5OfFile(file);
        } catch {
          throw new OssRequestError(
            400,
            'InvalidPart',
            `One or more of the specified parts could not be found: part ${part.partNumber}.`,
            { PartNumber: String(part.partNumber) },
          );
        }
        if (stored !== part.etag)
          throw new OssRequestError(
            400,
            'InvalidPart',
            `Part ${part.partNumber}'s ETag does not match the uploaded part.`,
            { PartNumber: String(part.partNumber) },
          );
        if (index < parts.length - 1 && size < MIN_PART_BYTES)
          throw new OssRequestError(
            400,
            'EntityTooSmall',
            `Part ${part.partNumber} is smaller than the minimum allowed size of ${MIN_PART_BYTES} bytes.`,
          );
        files.push(file);
      }
      const assembled = new PassThrough();
      (async () => {
        for (const file of files) await pipeline(createReadStream(file), assembled, { end: false });
        assembled.end();
      })().catch((error: Error) => assembled.destroy(error));
      return assembled;
    },

    async remove(upload) {
      await rm(uploadDirectory(upload.uploadId), { recursive: true, force: true });
    },
  };
}
