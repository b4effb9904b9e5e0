import {
  BadRequestError,
  jsonResponse,
  NotFoundError,
  readJson,
  type HttpRequest,
  type HttpResponse,
  type ObjectStore,
} from '@hotpatch/common';
import { parseUploadOutcome, storageKeys, type UploadStatusResponse } from '@hotpatch/core';

/**
 * `GET /v1/uploads/status?key=<upload key>&etag=<ETag>`: the outcome uploadBundle recorded for an upload, or
 * 404 while there is none yet (the CLI polls this after uploading). An accepted release carries when devices see it.
 */
export async function handleUploadStatus(
  request: HttpRequest,
  store: ObjectStore,
  uploadPrefix: string,
  visibleWithinSeconds: number,
): Promise<HttpResponse> {
  const key = request.query.key ?? '';
  const etag = (request.query.etag ?? '').replace(/"/g, '').toUpperCase();
  if (!key.startsWith(uploadPrefix) || key.length > 1024 || key.includes('..'))
    throw new BadRequestError(`key must be an upload key under ${uploadPrefix}`, 'key');
  if (!/^[0-9A-F-]{1,64}$/.test(etag))
    throw new BadRequestError('etag must be the ETag OSS returned for the upload', 'etag');
  const outcome = await readJson(
    store,
    storageKeys.uploadStatus(key.slice(uploadPrefix.length), etag),
    parseUploadOutcome,
  );
  if (!outcome) throw new NotFoundError(`no outcome recorded yet for ${key} (${etag})`);
  const answer: UploadStatusResponse = outcome.status === 'accepted' ? { ...outcome, visibleWithinSeconds } : outcome;
  return jsonResponse(200, answer, { 'Cache-Control': 'no-store' });
}
