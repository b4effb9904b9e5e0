import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../listenOn';
import path from 'node:path';
import {
  createFsStore,
  InvalidKeyError,
  ObjectExistsError,
  RangeNotSatisfiableError,
  validateObjectKey,
  type Logger,
  type ObjectStore,
  type OssCredentials,
} from '@hotpatch/common';
import { checkAnonymousRequest } from './accessPolicy';
import { deleteMultiple, listBuckets } from './bucketOperations';
import { createBucketPolicyApi } from './createBucketPolicyApi';
import { createFaultInjector, type FaultInjector } from './createFaultInjector';
import { createMultipartUploads } from './createMultipartUploads';
import { abortMultipart, completeMultipart, initiateMultipart, uploadPart } from './multipartOperations';
import { copyObject, getObject, putObject } from './objectOperations';
import type { LocalBucket, OssBucketConfig, OssOperationContext } from './ossBucket';
import { OssRequestError } from './OssRequestError';
import { send, sendError, sendXml } from './ossResponses';
import { toXml } from './ossXml';
import { listObjects } from './listObjects';
import { unwrapRequestError, utf8Header } from './ossRequestHelpers';
import { resolveBucketAndKey } from './resolveBucketAndKey';
import { verifyOssSignature } from './verifyOssSignature';
import type { OssTriggerDispatcher } from '../triggers/createOssTriggerDispatcher';

export type { OssBucketConfig } from './ossBucket';

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

const newRequestId = (): string => randomBytes(12).toString('hex').toUpperCase();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A local server that speaks enough of the OSS protocol for unmodified ali-oss (and ossutil) clients, backed by
 * the filesystem store: V1 and V4 signatures checked, forbid-overwrite honoured, OSS XML errors, multipart
 * uploads, prefix-scoped anonymous read (`accessPolicy.ts`), and an OSS trigger event fired at matching
 * functions after every object creation. This file checks and dispatches each request; the operations live by
 * group in `objectOperations.ts`, `multipartOperations.ts`, `bucketOperations.ts` and `listObjects.ts`.
 */
export async function createOssServer(options: OssServerOptions): Promise<OssServer> {
  const now = options.now ?? Date.now;
  const faults = createFaultInjector();
  const credentials = new Map(options.credentials.map((pair) => [pair.accessKeyId, pair]));
  const hostnames = new Set((options.hostnames ?? []).map((name) => name.toLowerCase()));
  const buckets = new Map<string, LocalBucket>(
    options.buckets.map((bucket) => [
      bucket.name,
      {
        ...bucket,
        store: createFsStore({ directory: path.join(options.dataDir, 'oss', bucket.name) }),
        uploads: createMultipartUploads(path.join(options.dataDir, 'oss-multipart', bucket.name)),
      },
    ]),
  );
  const bucketPolicies = createBucketPolicyApi(options.dataDir);

  function bucketNamed(name: string): LocalBucket {
    const bucket = buckets.get(name);
    if (!bucket)
      throw new OssRequestError(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: name });
    return bucket;
  }

  function notifyCreated(
    eventName: string,
    bucket: string,
    key: string,
    etag: string,
    size: number,
    previousSize: number,
    request: IncomingMessage,
    requestId: string,
  ): void {
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

  const context: OssOperationContext = {
    now,
    region: options.region,
    accountId: options.accountId,
    bucketNamed,
    allBuckets: () => [...buckets.values()],
    notifyCreated,
  };

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
    if (injected)
      throw new OssRequestError(
        injected,
        injected === 503 ? 'ServiceUnavailable' : 'InternalError',
        'Injected fault (local OSS server test mode).',
      );

    const bucket = bucketName === undefined ? undefined : bucketNamed(bucketName);
    const caller = verifyOssSignature({
      method,
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          name.startsWith('x-oss-') && typeof value === 'string' ? utf8Header(value) : value,
        ]),
      ),
      query,
      bucket: bucketName,
      key,
      credentials,
      region: options.region,
      now: now(),
    });
    if (key !== '') {
      try {
        validateObjectKey(key);
      } catch (error) {
        if (error instanceof InvalidKeyError)
          throw new OssRequestError(
            400,
            'InvalidObjectName',
            `The specified object name is not valid: ${error.message}`,
          );
        throw error;
      }
    }
    if (caller.kind === 'anonymous') checkAnonymousRequest(bucket, method, key, query);

    if (!bucket) {
      if (method === 'GET') return listBuckets(context, response);
      throw new OssRequestError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
    if (key === '') {
      if (query.has('policy') || (method === 'GET' && query.has('acl')))
        return bucketPolicies.handle(bucket, method, query, request, response);
      if (
        method === 'GET' &&
        !['acl', 'location', 'bucketInfo', 'uploads', 'cors', 'lifecycle', 'policy'].some((sub) => query.has(sub))
      )
        return sendXml(
          response,
          200,
          'ListBucketResult',
          await listObjects(bucket.store, bucket.name, options.accountId, query),
        );
      if (method === 'POST' && query.has('delete')) return deleteMultiple(bucket, request, response);
      throw new OssRequestError(
        501,
        'NotImplemented',
        'This bucket operation is not implemented by the hotpatch local OSS server.',
      );
    }

    switch (method) {
      case 'PUT':
        if (query.has('uploadId')) return uploadPart(bucket, key, request, response, query);
        if (request.headers['x-oss-copy-source'] !== undefined)
          return copyObject(context, bucket, key, request, response, requestId);
        if ([...query.keys()].some((name) => ['acl', 'tagging', 'symlink', 'append'].includes(name))) break;
        return putObject(context, bucket, key, request, response, requestId);
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
        if (query.has('uploadId')) return completeMultipart(context, bucket, key, request, response, query, requestId);
        break;
      default:
        throw new OssRequestError(
          405,
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
        );
    }
    throw new OssRequestError(
      501,
      'NotImplemented',
      'This object operation is not implemented by the hotpatch local OSS server.',
    );
  }

  function toRequestError(error: unknown): OssRequestError | undefined {
    const unwrapped = unwrapRequestError(error);
    if (unwrapped instanceof OssRequestError) return unwrapped;
    if (unwrapped instanceof ObjectExistsError)
      return new OssRequestError(
        409,
        'FileAlreadyExists',
        'The object you specified already exists and can not be overwritten.',
      );
    if (unwrapped instanceof InvalidKeyError)
      return new OssRequestError(
        400,
        'InvalidObjectName',
        `The specified object name is not valid: ${unwrapped.message}`,
      );
    if (unwrapped instanceof RangeNotSatisfiableError)
      return new OssRequestError(416, 'InvalidRange', 'The requested range cannot be satisfied.', {
        ActualObjectSize: String(unwrapped.size),
      });
    return undefined;
  }

  const counts: Record<string, number> = {};
  /** Serves one request; never rejects (every failure becomes an OSS error answer or a destroyed socket). */
  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
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
      if (!known)
        options.logger.error('local OSS server failed a request', { method: request.method, url: request.url, error });
      if (response.headersSent) {
        response.destroy();
      } else {
        sendError(
          request,
          response,
          known ?? new OssRequestError(500, 'InternalError', 'We encountered an internal error. Please try again.'),
          requestId,
        );
      }
      // A refused upload's body is discarded so the connection can carry the error response.
      if (!request.complete) request.resume();
    } finally {
      options.logger.debug('oss request', {
        method: request.method,
        url: request.url,
        status: response.statusCode,
        ms: Date.now() - started,
      });
    }
  }
  const server: Server = createServer((request, response) => void serve(request, response));

  // Malformed requests and oversized headers never reach the handler: answer them in OSS's form.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? ([431, 'RequestHeaderFieldsTooLarge', 'Your request headers are too large.'] as const)
        : ([400, 'InvalidRequest', 'The request could not be parsed.'] as const);
    const body = toXml('Error', { Code: code, Message: message, RequestId: newRequestId(), HostId: 'localhost' });
    socket.end(
      `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
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
