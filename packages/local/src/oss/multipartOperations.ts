import type { IncomingMessage, ServerResponse } from 'node:http';
import { ObjectExistsError, quoteEtag } from '@hotpatch/common';
import { MAX_PART_NUMBER } from './createMultipartUploads';
import type { LocalBucket, OssOperationContext } from './ossBucket';
import { OssRequestError } from './OssRequestError';
import { send, sendXml } from './ossResponses';
import { parseXml } from './ossXml';
import { checkContentMd5, forbidOverwrite, headerValue, readSmallBody, userMetadata } from './ossRequestHelpers';

// The local OSS server's multipart operations (the parts themselves live in createMultipartUploads.ts).

export async function initiateMultipart(
  bucket: LocalBucket,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const forbid = forbidOverwrite(request);
  if (forbid && (await bucket.store.head(key))) throw new ObjectExistsError(key);
  const upload = await bucket.uploads.initiate({
    bucket: bucket.name,
    key,
    contentType: headerValue(request.headers['content-type']) ?? 'application/octet-stream',
    metadata: userMetadata(request),
    forbidOverwrite: forbid,
  });
  sendXml(response, 200, 'InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: upload.uploadId });
}

export async function uploadPart(
  bucket: LocalBucket,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const partNumber = Number(query.get('partNumber'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new OssRequestError(
      400,
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}.`,
      { ArgumentName: 'partNumber' },
    );
  }
  const upload = await bucket.uploads.get(bucket.name, key, query.get('uploadId')!);
  const etag = await bucket.uploads.uploadPart(
    upload,
    partNumber,
    checkContentMd5(request, headerValue(request.headers['content-md5'])),
  );
  send(response, 200, { ETag: quoteEtag(etag) });
}

export async function completeMultipart(
  context: OssOperationContext,
  bucket: LocalBucket,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
  requestId: string,
): Promise<void> {
  const upload = await bucket.uploads.get(bucket.name, key, query.get('uploadId')!);
  const forbid = upload.forbidOverwrite || forbidOverwrite(request);
  let parts: { partNumber: number; etag: string }[];
  try {
    const document = parseXml((await readSmallBody(request)).toString('utf8')) as {
      CompleteMultipartUpload?: { Part?: { PartNumber?: string; ETag?: string }[] };
    };
    parts = (document.CompleteMultipartUpload?.Part ?? []).map((part) => ({
      partNumber: Number(part.PartNumber),
      etag: quoteEtag(part.ETag ?? '').slice(1, -1),
    }));
  } catch (error) {
    if (error instanceof OssRequestError) throw error;
    throw new OssRequestError(
      400,
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  const previous = await bucket.store.head(key);
  if (forbid && previous) throw new ObjectExistsError(key);
  const body = await bucket.uploads.assemble(upload, parts);
  const { etag } = await bucket.store.put(key, body, {
    contentType: upload.contentType,
    metadata: upload.metadata,
    forbidOverwrite: forbid,
  });
  await bucket.uploads.remove(upload);
  const stored = await bucket.store.head(key);
  sendXml(response, 200, 'CompleteMultipartUploadResult', {
    Location: `${request.headers.host ?? ''}/${key}`,
    Bucket: bucket.name,
    Key: key,
    ETag: quoteEtag(etag),
  });
  context.notifyCreated(
    'ObjectCreated:CompleteMultipartUpload',
    bucket.name,
    key,
    etag,
    stored?.size ?? 0,
    previous?.size ?? 0,
    request,
    requestId,
  );
}

export async function abortMultipart(
  bucket: LocalBucket,
  key: string,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  await bucket.uploads.remove(await bucket.uploads.get(bucket.name, key, query.get('uploadId')!));
  send(response, 204, {});
}
