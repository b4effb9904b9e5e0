import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ObjectExistsError, quoteEtag, validateObjectKey, type ObjectInfo } from '@hotpatch/common';
import type { LocalBucket, OssOperationContext } from './ossBucket';
import { OssRequestError } from './OssRequestError';
import { send, sendXml } from './ossResponses';
import { xmlDate } from './ossXml';
import {
  checkContentMd5,
  forbidOverwrite,
  headerValue,
  objectHeaders,
  parseRange,
  RESPONSE_OVERRIDES,
  userMetadata,
} from './ossRequestHelpers';

// The local OSS server's object operations: PutObject, CopyObject, GetObject and HeadObject.

export async function putObject(
  context: OssOperationContext,
  bucket: LocalBucket,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<void> {
  const forbid = forbidOverwrite(request);
  const metadata = userMetadata(request);
  const previous = await bucket.store.head(key);
  if (forbid && previous) throw new ObjectExistsError(key);
  const body = checkContentMd5(request, headerValue(request.headers['content-md5']));
  const { etag } = await bucket.store.put(key, body, {
    contentType: headerValue(request.headers['content-type']) ?? 'application/octet-stream',
    metadata,
    forbidOverwrite: forbid,
    ...(headerValue(request.headers['cache-control'])
      ? { cacheControl: headerValue(request.headers['cache-control'])! }
      : {}),
  });
  const stored = await bucket.store.head(key);
  send(response, 200, { ETag: quoteEtag(etag) });
  context.notifyCreated(
    'ObjectCreated:PutObject',
    bucket.name,
    key,
    etag,
    stored?.size ?? 0,
    previous?.size ?? 0,
    request,
    requestId,
  );
}

export async function copyObject(
  context: OssOperationContext,
  bucket: LocalBucket,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<void> {
  const source = headerValue(request.headers['x-oss-copy-source'])!;
  const decoded = (() => {
    try {
      return decodeURIComponent(source);
    } catch {
      throw new OssRequestError(400, 'InvalidArgument', 'x-oss-copy-source is not valid percent-encoding.');
    }
  })();
  const match = /^\/?([^/]+)\/(.+)$/.exec(decoded);
  if (!match) throw new OssRequestError(400, 'InvalidArgument', 'x-oss-copy-source must be /<bucket>/<key>.');
  const sourceBucket = context.bucketNamed(match[1]!);
  const sourceKey = validateObjectKey(match[2]!);
  const sourceInfo = await sourceBucket.store.head(sourceKey);
  if (!sourceInfo) throw new OssRequestError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: sourceKey });
  const ifMatch = headerValue(request.headers['x-oss-copy-source-if-match']);
  const ifNoneMatch = headerValue(request.headers['x-oss-copy-source-if-none-match']);
  if (
    (ifMatch && quoteEtag(ifMatch) !== quoteEtag(sourceInfo.etag)) ||
    (ifNoneMatch && quoteEtag(ifNoneMatch) === quoteEtag(sourceInfo.etag))
  ) {
    throw new OssRequestError(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold.',
    );
  }
  const forbid = forbidOverwrite(request);
  const previous = await bucket.store.head(key);
  if (forbid && previous) throw new ObjectExistsError(key);
  const replace = headerValue(request.headers['x-oss-metadata-directive'])?.toUpperCase() === 'REPLACE';
  const stream = await sourceBucket.store.getStream(sourceKey);
  if (!stream) throw new OssRequestError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: sourceKey });
  const { etag } = await bucket.store.put(key, stream.body, {
    forbidOverwrite: forbid,
    contentType: replace
      ? (headerValue(request.headers['content-type']) ?? 'application/octet-stream')
      : stream.info.contentType,
    metadata: replace ? userMetadata(request) : stream.info.metadata,
    cacheControl: replace ? headerValue(request.headers['cache-control']) : stream.info.cacheControl,
  });
  sendXml(response, 200, 'CopyObjectResult', { ETag: quoteEtag(etag), LastModified: xmlDate(new Date(context.now())) });
  context.notifyCreated(
    'ObjectCreated:CopyObject',
    bucket.name,
    key,
    etag,
    stream.info.size,
    previous?.size ?? 0,
    request,
    requestId,
  );
}

/** Conditional headers shared by GET and HEAD; returns 304 when the caller's copy is current. */
function preconditionStatus(request: IncomingMessage, info: ObjectInfo): 304 | undefined {
  const ifMatch = headerValue(request.headers['if-match']);
  if (ifMatch && ifMatch !== '*' && !ifMatch.split(',').some((tag) => quoteEtag(tag) === quoteEtag(info.etag))) {
    throw new OssRequestError(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold.',
      { Condition: 'If-Match' },
    );
  }
  const ifNoneMatch = headerValue(request.headers['if-none-match']);
  if (
    ifNoneMatch &&
    (ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => quoteEtag(tag) === quoteEtag(info.etag)))
  )
    return 304;
  const ifModifiedSince = headerValue(request.headers['if-modified-since']);
  if (
    !ifNoneMatch &&
    ifModifiedSince &&
    Math.floor(info.lastModified.getTime() / 1000) <= Math.floor(Date.parse(ifModifiedSince) / 1000)
  )
    return 304;
  return undefined;
}

/** GetObject and HeadObject: conditional headers, ranges and `response-*` overrides. */
export async function getObject(
  bucket: LocalBucket,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const info = await bucket.store.head(key);
  if (!info) throw new OssRequestError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
  const headers = objectHeaders(info);
  if (preconditionStatus(request, info) === 304) {
    response.writeHead(304, { ETag: headers.ETag!, 'Last-Modified': headers['Last-Modified']! });
    response.end();
    return;
  }
  for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const override = query.get(parameter);
    if (override !== null) headers[header] = override;
  }
  const range = parseRange(headerValue(request.headers.range), info.size);
  if (request.method === 'HEAD') {
    response.writeHead(200, { ...headers, 'Content-Length': String(info.size) });
    response.end();
    return;
  }
  const stream = await bucket.store.getStream(key, range ? { range } : {});
  if (!stream) throw new OssRequestError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
  if (stream.range) {
    response.writeHead(206, {
      ...headers,
      'Content-Range': `bytes ${stream.range.start}-${stream.range.end}/${stream.info.size}`,
      'Content-Length': String(stream.range.end - stream.range.start + 1),
    });
  } else {
    response.writeHead(200, { ...headers, 'Content-Length': String(stream.info.size) });
  }
  await pipeline(stream.body, response);
}
