import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../listenOn';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  createFsStore,
  InvalidKeyError,
  ObjectExistsError,
  quoteEtag,
  RangeNotSatisfiableError,
  validateObjectKey,
  type Logger,
  type ObjectInfo,
  type ObjectStore,
  type OssCredentials,
} from '@hotpatch/common';
import { checkAnonymousRequest, type BucketAccess } from './accessPolicy';
import { createBucketPolicyApi } from './createBucketPolicyApi';
import { createFaultInjector, type FaultInjector } from './createFaultInjector';
import { createMultipartUploads, MAX_PART_NUMBER } from './createMultipartUploads';
import { OssRequestError } from './OssRequestError';
import { parseXml, toXml, xmlDate } from './ossXml';
import { listObjects } from './listObjects';
import { checkContentMd5, forbidOverwrite, headerValue, objectHeaders, parseRange, readSmallBody, RESPONSE_OVERRIDES, unwrapRequestError, userMetadata, utf8Header } from './ossRequestHelpers';
import { resolveBucketAndKey } from './resolveBucketAndKey';
import { verifyOssSignature } from './verifyOssSignature';
import type { OssTriggerDispatcher } from '../triggers/createOssTriggerDispatcher';

/**
 * A bucket and who may read it unsigned: `publicRead` (ACL public-read: every object) or
 * `anonymousReadPrefixes` (ACL private plus a policy granting anonymous GetObject on those prefixes only).
 * Listing and writes are always signed.
 */
export interface OssBucketConfig extends BucketAccess {
  name: string;
}

export interface OssServerOptions {
  /** Objects live in `<dataDir>/oss/<bucket>/`, unfinished multipart uploads in `<dataDir>/oss-multipart/`. */
  dataDir: string;
  buckets: OssBucketConfig[];
  /** Key pairs whose signatures (V1 and V4) are accepted. */
  credentials: OssCredentials[];
  port?: number;
  host?: string;
  /** Host names that mean "this server" (path-style requests); IPs and `localhost` always do. */
  hostnames?: string[];
  region: string;
  accountId: string;
  triggers: OssTriggerDispatcher;
  logger: Logger;
  now?: () => number;
}

export interface OssServer {
  /** `http://127.0.0.1:<port>`: give it to ali-oss as `endpoint`. */
  url: string;
  port: number;
  faults: FaultInjector;
  /** Requests served so far, by method (for tests and benchmarks that count storage traffic). */
  requestCounts(): Readonly<Record<string, number>>;
  /** The filesystem store behind a bucket (for tests and for seeding). */
  store(bucket: string): ObjectStore;
  close(): Promise<void>;
}

const ERROR_EC: Record<string, string> = {
  FileAlreadyExists: '0026-00000201',
  NoSuchKey: '0026-00000001',
  NoSuchBucket: '0015-00000101',
  SignatureDoesNotMatch: '0002-00000040',
  InvalidAccessKeyId: '0002-00000902',
  AccessDenied: '0003-00000001',
  NotImplemented: '0017-00000245',
};

const newRequestId = (): string => randomBytes(12).toString('hex').toUpperCase();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * A local server that speaks enough of the OSS protocol for unmodified ali-oss (and ossutil) clients, backed by
 * the filesystem store: V1 and V4 signatures checked, forbid-overwrite honoured, OSS XML errors, multipart
 * uploads, prefix-scoped anonymous read (`accessPolicy.ts`), and an OSS trigger event fired at matching
 * functions after every object creation.
 */
export async function createOssServer(options: OssServerOptions): Promise<OssServer> {
  const now = options.now ?? Date.now;
  const faults = createFaultInjector();
  const credentials = new Map(options.credentials.map((pair) => [pair.accessKeyId, pair]));
  const hostnames = new Set((options.hostnames ?? []).map((name) => name.toLowerCase()));
  const buckets = new Map(options.buckets.map((bucket) => [bucket.name, { ...bucket, store: createFsStore({ directory: path.join(options.dataDir, 'oss', bucket.name) }), uploads: createMultipartUploads(path.join(options.dataDir, 'oss-multipart', bucket.name)) }]));
  type Bucket = NonNullable<ReturnType<typeof buckets.get>>;
  const bucketPolicies = createBucketPolicyApi(options.dataDir);

  function bucketNamed(name: string): Bucket {
    const bucket = buckets.get(name);
    if (!bucket) throw new OssRequestError(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: name });
    return bucket;
  }

  const send = (response: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void => {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    response.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
    response.end(bytes);
  };
  const sendXml = (response: ServerResponse, status: number, root: string, content: unknown): void =>
    send(response, status, { 'Content-Type': 'application/xml' }, toXml(root, content));

  function sendError(request: IncomingMessage, response: ServerResponse, error: OssRequestError, requestId: string): void {
    const ec = ERROR_EC[error.code] ?? '0000-00000000';
    const body = toXml('Error', { Code: error.code, Message: error.message, RequestId: requestId, HostId: request.headers.host ?? 'localhost', ...error.details, EC: ec });
    response.writeHead(error.status, { 'Content-Type': 'application/xml', 'x-oss-ec': ec, 'Content-Length': request.method === 'HEAD' ? '0' : String(Buffer.byteLength(body)) });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  function notifyCreated(eventName: string, bucket: string, key: string, etag: string, size: number, previousSize: number, request: IncomingMessage, requestId: string): void {
    options.triggers.notify({
      eventName,
      bucket,
      key,
      size,
      previousSize,
      etag,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      requestId,
      region: options.region,
      accountId: options.accountId,
      ruleId: 'hotpatch-local',
      time: new Date(now()),
    });
  }

  // ---- object operations -------------------------------------------------------------------------------

  async function putObject(bucket: Bucket, key: string, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const forbid = forbidOverwrite(request);
    const metadata = userMetadata(request);
    const previous = await bucket.store.head(key);
    if (forbid && previous) throw new ObjectExistsError(key);
    const body = checkContentMd5(request, headerValue(request.headers['content-md5']));
    const { etag } = await bucket.store.put(key, body, { contentType: headerValue(request.headers['content-type']) ?? 'application/octet-stream', metadata, forbidOverwrite: forbid });
    const stored = await bucket.store.head(key);
    send(response, 200, { ETag: quoteEtag(etag) });
    notifyCreated('ObjectCreated:PutObject', bucket.name, key, etag, stored?.size ?? 0, previous?.size ?? 0, request, requestId);
  }

  async function copyObject(bucket: Bucket, key: string, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
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
    const sourceBucket = bucketNamed(match[1]!);
    const sourceKey = validateObjectKey(match[2]!);
    const sourceInfo = await sourceBucket.store.head(sourceKey);
    if (!sourceInfo) throw new OssRequestError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: sourceKey });
    const ifMatch = headerValue(request.headers['x-oss-copy-source-if-match']);
    const ifNoneMatch = headerValue(request.headers['x-oss-copy-source-if-none-match']);
    if ((ifMatch && quoteEtag(ifMatch) !== quoteEtag(sourceInfo.etag)) || (ifNoneMatch && quoteEtag(ifNoneMatch) === quoteEtag(sourceInfo.etag))) {
      throw new OssRequestError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.');
    }
    const forbid = forbidOverwrite(request);
    const previous = await bucket.store.head(key);
    if (forbid && previous) throw new ObjectExistsError(key);
    const replace = headerValue(request.headers['x-oss-metadata-directive'])?.toUpperCase() === 'REPLACE';
    const stream = await sourceBucket.store.getStream(sourceKey);
    if (!stream) throw new OssRequestError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: sourceKey });
    const { etag } = await bucket.store.put(key, stream.body, {
      forbidOverwrite: forbid,
      contentType: replace ? headerValue(request.headers['content-type']) ?? 'application/octet-stream' : stream.info.contentType,
      metadata: replace ? userMetadata(request) : stream.info.metadata,
    });
    sendXml(response, 200, 'CopyObjectResult', { ETag: quoteEtag(etag), LastModified: xmlDate(new Date(now())) });
    notifyCreated('ObjectCreated:CopyObject', bucket.name, key, etag, stream.info.size, previous?.size ?? 0, request, requestId);
  }

  /** Conditional headers shared by GET and HEAD; returns 304 when the caller's copy is current. */
  function preconditionStatus(request: IncomingMessage, info: ObjectInfo): 304 | undefined {
    const ifMatch = headerValue(request.headers['if-match']);
    if (ifMatch && ifMatch !== '*' && !ifMatch.split(',').some((tag) => quoteEtag(tag) === quoteEtag(info.etag))) {
      throw new OssRequestError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.', { Condition: 'If-Match' });
    }
    const ifNoneMatch = headerValue(request.headers['if-none-match']);
    if (ifNoneMatch && (ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => quoteEtag(tag) === quoteEtag(info.etag)))) return 304;
    const ifModifiedSince = headerValue(request.headers['if-modified-since']);
    if (!ifNoneMatch && ifModifiedSince && Math.floor(info.lastModified.getTime() / 1000) <= Math.floor(Date.parse(ifModifiedSince) / 1000)) return 304;
    return undefined;
  }

  async function getObject(bucket: Bucket, key: string, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
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
      response.writeHead(206, { ...headers, 'Content-Range': `bytes ${stream.range.start}-${stream.range.end}/${stream.info.size}`, 'Content-Length': String(stream.range.end - stream.range.start + 1) });
    } else {
      response.writeHead(200, { ...headers, 'Content-Length': String(stream.info.size) });
    }
    await pipeline(stream.body, response);
  }

  // ---- multipart ---------------------------------------------------------------------------------------

  async function initiateMultipart(bucket: Bucket, key: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const forbid = forbidOverwrite(request);
    if (forbid && (await bucket.store.head(key))) throw new ObjectExistsError(key);
    const upload = await bucket.uploads.initiate({ bucket: bucket.name, key, contentType: headerValue(request.headers['content-type']) ?? 'application/octet-stream', metadata: userMetadata(request), forbidOverwrite: forbid });
    sendXml(response, 200, 'InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: upload.uploadId });
  }

  async function uploadPart(bucket: Bucket, key: string, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
    const partNumber = Number(query.get('partNumber'));
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new OssRequestError(400, 'InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}.`, { ArgumentName: 'partNumber' });
    }
    const upload = await bucket.uploads.get(bucket.name, key, query.get('uploadId')!);
    const etag = await bucket.uploads.uploadPart(upload, partNumber, checkContentMd5(request, headerValue(request.headers['content-md5'])));
    send(response, 200, { ETag: quoteEtag(etag) });
  }

  async function completeMultipart(bucket: Bucket, key: string, request: IncomingMessage, response: ServerResponse, query: URLSearchParams, requestId: string): Promise<void> {
    const upload = await bucket.uploads.get(bucket.name, key, query.get('uploadId')!);
    const forbid = upload.forbidOverwrite || forbidOverwrite(request);
    let parts: { partNumber: number; etag: string }[];
    try {
      const document = parseXml((await readSmallBody(request)).toString('utf8')) as { CompleteMultipartUpload?: { Part?: { PartNumber?: string; ETag?: string }[] } };
      parts = (document.CompleteMultipartUpload?.Part ?? []).map((part) => ({ partNumber: Number(part.PartNumber), etag: quoteEtag(part.ETag ?? '').slice(1, -1) }));
    } catch (error) {
      if (error instanceof OssRequestError) throw error;
      throw new OssRequestError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    }
    const previous = await bucket.store.head(key);
    if (forbid && previous) throw new ObjectExistsError(key);
    const body = await bucket.uploads.assemble(upload, parts);
    const { etag } = await bucket.store.put(key, body, { contentType: upload.contentType, metadata: upload.metadata, forbidOverwrite: forbid });
    await bucket.uploads.remove(upload);
    const stored = await bucket.store.head(key);
    sendXml(response, 200, 'CompleteMultipartUploadResult', { Location: `${request.headers.host ?? ''}/${key}`, Bucket: bucket.name, Key: key, ETag: quoteEtag(etag) });
    notifyCreated('ObjectCreated:CompleteMultipartUpload', bucket.name, key, etag, stored?.size ?? 0, previous?.size ?? 0, request, requestId);
  }

  async function abortMultipart(bucket: Bucket, key: string, response: ServerResponse, query: URLSearchParams): Promise<void> {
    await bucket.uploads.remove(await bucket.uploads.get(bucket.name, key, query.get('uploadId')!));
    send(response, 204, {});
  }

  // ---- bucket operations -------------------------------------------------------------------------------

  async function deleteMultiple(bucket: Bucket, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let keys: string[];
    let quiet: boolean;
    try {
      const document = parseXml((await readSmallBody(request)).toString('utf8')) as { Delete?: { Quiet?: string; Object?: { Key?: string } | { Key?: string }[] } };
      const objects = document.Delete?.Object;
      keys = (Array.isArray(objects) ? objects : objects ? [objects] : []).map((object) => String(object.Key ?? ''));
      quiet = document.Delete?.Quiet === 'true';
    } catch {
      throw new OssRequestError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    }
    if (keys.length === 0 || keys.length > 1000) throw new OssRequestError(400, 'MalformedXML', 'Delete needs 1 to 1000 objects.');
    for (const key of keys) await bucket.store.delete(validateObjectKey(key));
    sendXml(response, 200, 'DeleteResult', { Deleted: quiet ? [] : keys.map((key) => ({ Key: key })) });
  }

  function listBuckets(response: ServerResponse): void {
    sendXml(response, 200, 'ListAllMyBucketsResult', {
      Owner: { ID: options.accountId, DisplayName: options.accountId },
      Buckets: { Bucket: [...buckets.values()].map((bucket) => ({ Name: bucket.name, CreationDate: xmlDate(new Date(0)), Location: options.region, StorageClass: 'Standard' })) },
    });
  }

  // ---- dispatch ----------------------------------------------------------------------------------------

  async function route(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    // The path is split by hand: URL parsing would resolve "a/../b" and hide a hostile key from validation.
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1));
    const method = request.method ?? 'GET';
    const { bucket: bucketName, key } = resolveBucketAndKey(request.headers.host, rawPath, hostnames);

    if (faults.latencyMs() > 0) await sleep(faults.latencyMs());
    const injected = faults.takeFailure(method, key);
    if (injected) throw new OssRequestError(injected, injected === 503 ? 'ServiceUnavailable' : 'InternalError', 'Injected fault (local OSS server test mode).');

    const bucket = bucketName === undefined ? undefined : bucketNamed(bucketName);
    const caller = verifyOssSignature({ method, headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, name.startsWith('x-oss-') && typeof value === 'string' ? utf8Header(value) : value])), query, bucket: bucketName, key, credentials, region: options.region, now: now() });
    if (key !== '') {
      try {
        validateObjectKey(key);
      } catch (error) {
        if (error instanceof InvalidKeyError) throw new OssRequestError(400, 'InvalidObjectName', `The specified object name is not valid: ${error.message}`);
        throw error;
      }
    }
    if (caller.kind === 'anonymous') checkAnonymousRequest(bucket, method, key, query);

    if (!bucket) {
      if (method === 'GET') return listBuckets(response);
      throw new OssRequestError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
    if (key === '') {
      if (query.has('policy') || (method === 'GET' && query.has('acl'))) return bucketPolicies.handle(bucket, method, query, request, response);
      if (method === 'GET' && !['acl', 'location', 'bucketInfo', 'uploads', 'cors', 'lifecycle', 'policy'].some((sub) => query.has(sub))) return sendXml(response, 200, 'ListBucketResult', await listObjects(bucket.store, bucket.name, options.accountId, query));
      if (method === 'POST' && query.has('delete')) return deleteMultiple(bucket, request, response);
      throw new OssRequestError(501, 'NotImplemented', 'This bucket operation is not implemented by the hotpatch local OSS server.');
    }

    switch (method) {
      case 'PUT':
        if (query.has('uploadId')) return uploadPart(bucket, key, request, response, query);
        if (request.headers['x-oss-copy-source'] !== undefined) return copyObject(bucket, key, request, response, requestId);
        if ([...query.keys()].some((name) => ['acl', 'tagging', 'symlink', 'append'].includes(name))) break;
        return putObject(bucket, key, request, response, requestId);
      case 'GET':
      case 'HEAD':
        if (query.has('uploadId') || query.has('acl') || query.has('tagging') || query.has('objectMeta')) break;
        return getObject(bucket, key, request, response, query);
      case 'DELETE':
        if (query.has('uploadId')) return abortMultipart(bucket, key, response, query);
        await bucket.store.delete(key);
        return send(response, 204, {});
      case 'POST':
        if (query.has('uploads')) return initiateMultipart(bucket, key, request, response);
        if (query.has('uploadId')) return completeMultipart(bucket, key, request, response, query, requestId);
        break;
      default:
        throw new OssRequestError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
    throw new OssRequestError(501, 'NotImplemented', 'This object operation is not implemented by the hotpatch local OSS server.');
  }

  function toRequestError(error: unknown): OssRequestError | undefined {
    const unwrapped = unwrapRequestError(error);
    if (unwrapped instanceof OssRequestError) return unwrapped;
    if (unwrapped instanceof ObjectExistsError) return new OssRequestError(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.');
    if (unwrapped instanceof InvalidKeyError) return new OssRequestError(400, 'InvalidObjectName', `The specified object name is not valid: ${unwrapped.message}`);
    if (unwrapped instanceof RangeNotSatisfiableError) return new OssRequestError(416, 'InvalidRange', 'The requested range cannot be satisfied.', { ActualObjectSize: String(unwrapped.size) });
    return undefined;
  }

  const counts: Record<string, number> = {};
  const server: Server = createServer(async (request, response) => {
    counts[request.method ?? 'GET'] = (counts[request.method ?? 'GET'] ?? 0) + 1;
    const requestId = newRequestId();
    const started = Date.now();
    response.setHeader('x-oss-request-id', requestId);
    response.setHeader('Server', 'AliyunOSS');
    response.setHeader('Date', new Date(now()).toUTCString());
    try {
      await route(request, response, requestId);
    } catch (error) {
      const known = toRequestError(error);
      if (!known) options.logger.error('local OSS server failed a request', { method: request.method, url: request.url, error });
      if (response.headersSent) {
        response.destroy();
      } else {
        sendError(request, response, known ?? new OssRequestError(500, 'InternalError', 'We encountered an internal error. Please try again.'), requestId);
      }
      // A refused upload's body is discarded so the connection can carry the error response.
      if (!request.complete) request.resume();
    } finally {
      options.logger.debug('oss request', { method: request.method, url: request.url, status: response.statusCode, ms: Date.now() - started });
    }
  });

  // Malformed requests and oversized headers never reach the handler: answer them in OSS's form.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, message] = error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'RequestHeaderFieldsTooLarge', 'Your request headers are too large.'] as const
      : [400, 'InvalidRequest', 'The request could not be parsed.'] as const;
    const body = toXml('Error', { Code: code, Message: message, RequestId: newRequestId(), HostId: 'localhost' });
    socket.end(`HTTP/1.1 ${status} ${code}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  const port = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    requestCounts: () => ({ ...counts }),
    store: (name) => bucketNamed(name).store,
    close: () => closeServer(server),
  };
}
