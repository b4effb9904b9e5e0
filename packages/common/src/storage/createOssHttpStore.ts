import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { ObjectExistsError, RangeNotSatisfiableError, StorageError } from '../errors';
import { encodeObjectKeyForUrl, ossV1Signature, ossV1StringToSign } from '../signing/ossV1Signature';
import { ossUriDecode } from '../signing/ossV4Signature';
import { createDownloadUrlBuilder } from './createDownloadUrlBuilder';
import type { OssStoreOptions } from './OssStoreOptions';
import type { ListedObject, ObjectInfo, ObjectStore } from './ObjectStore';
import { normalizeEtag, quoteEtag } from './normalizeEtag';
import { resolveMaxKeys } from './paginateListing';
import { validateListPrefix, validateObjectKey } from './validateObjectKey';

/** The same options as the ali-oss store: switching clients changes no configuration. */
export type OssHttpStoreOptions = OssStoreOptions;

interface OssResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'Contents' || name === 'CommonPrefixes',
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function infoFromHeaders(key: string, headers: IncomingMessage['headers']): ObjectInfo {
  const range = single(headers['content-range']);
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-oss-meta-') && value !== undefined)
      metadata[name.slice('x-oss-meta-'.length)] = Buffer.from(single(value)!, 'latin1').toString('utf8');
  }
  return {
    key,
    size: range ? Number(range.split('/')[1]) : Number(single(headers['content-length']) ?? 0),
    etag: normalizeEtag(single(headers.etag) ?? ''),
    lastModified: new Date(single(headers['last-modified']) ?? 0),
    contentType: single(headers['content-type']) ?? 'application/octet-stream',
    metadata,
    ...(headers['cache-control'] ? { cacheControl: single(headers['cache-control'])! } : {}),
  };
}

/**
 * OSS over plain `node:http`, signed with OSS V1 exactly as ali-oss signs (including STS tokens): the whole
 * `ObjectStore` contract in a few kilobytes, so a function need not carry ali-oss (about 920 KB bundled) and
 * its start-up cost. The same contract suite runs on it against the local OSS server.
 */
export function createOssHttpStore(options: OssHttpStoreOptions): ObjectStore {
  const endpoint = new URL(options.endpoint ?? `https://${options.region ?? 'oss-cn-hangzhou'}.aliyuncs.com`);
  const pathStyle = options.pathStyle === true || isIP(endpoint.hostname) !== 0 || endpoint.hostname === 'localhost';
  const host = pathStyle ? endpoint.host : `${options.bucket}.${endpoint.host}`;
  const send = endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const downloadUrl = createDownloadUrlBuilder(options.downloadUrl);

  /**
   * One signed request under a deadline of `timeoutMs` covering connecting, sending, the answer's headers and
   * reading its body (every caller but `getStream` reads it at once). When the deadline passes the request and
   * its socket are destroyed, so a stalled endpoint holds nothing. Streamed bodies (`getStream`'s answer, a
   * streamed upload) may take longer than any deadline: from the answer's headers on (for an upload, from the
   * start) only the socket's idle timeout of the same length guards them.
   */
  function request(
    method: string,
    key: string,
    init: {
      subresources?: Record<string, string>;
      query?: Record<string, string>;
      headers?: Record<string, string>;
      body?: Buffer | Readable;
      stream?: boolean;
    } = {},
  ): Promise<OssResponse> {
    const credentials = options.credentials();
    const headers: Record<string, string> = { 'x-oss-date': new Date().toUTCString(), ...init.headers };
    if (credentials.securityToken) headers['x-oss-security-token'] = credentials.securityToken;
    if (Buffer.isBuffer(init.body)) {
      headers['content-length'] = String(init.body.length);
      headers['content-md5'] = createHash('md5').update(init.body).digest('base64');
    }
    const stringToSign = ossV1StringToSign({
      method,
      headers,
      date: headers['x-oss-date']!,
      bucket: options.bucket,
      key,
      subresources: init.subresources ?? {},
    });
    headers.authorization = `OSS ${credentials.accessKeyId}:${ossV1Signature(credentials.accessKeySecret, stringToSign)}`;
    const search = new URLSearchParams({ ...init.subresources, ...init.query }).toString().replace(/=(&|$)/g, '$1');
    const path = `${pathStyle ? `/${options.bucket}` : ''}/${encodeObjectKeyForUrl(key)}${search ? `?${search}` : ''}`;
    return new Promise((resolve, reject) => {
      let incoming: IncomingMessage | undefined;
      const outgoing = send(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port,
          method,
          path,
          headers: { ...headers, host },
          timeout: timeoutMs,
        },
        (response) => {
          incoming = response;
          if (init.stream) clearTimeout(deadline);
          else response.once('close', () => clearTimeout(deadline));
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response });
        },
      );
      const deadline =
        init.body instanceof Readable
          ? undefined
          : setTimeout(() => {
              const error = new StorageError(
                `OSS ${method} ${key || '/'}: no complete answer within ${timeoutMs} ms`,
                key,
              );
              // Destroying the request destroys its socket; a body being read fails with the same error.
              incoming?.destroy(error);
              outgoing.destroy(error);
            }, timeoutMs);
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no data within ${timeoutMs} ms`)));
      outgoing.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      if (init.body instanceof Readable) {
        init.body.on('error', (error) => outgoing.destroy(error));
        init.body.pipe(outgoing);
      } else outgoing.end(init.body);
    });
  }

  /** Sends, and turns OSS's answer into the contract: null for not found, typed errors for the rest. */
  async function call(
    operation: string,
    key: string,
    method: string,
    init: Parameters<typeof request>[2],
    success: number[],
    subject = key,
  ): Promise<OssResponse | null> {
    let response: OssResponse;
    try {
      response = await request(method, key, init);
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw new StorageError(`OSS ${operation} ${subject} failed: ${(error as Error).message}`, subject, {
        cause: error,
      });
    }
    if (success.includes(response.status)) return response;
    const text = (await readAll(response.body)).toString('utf8');
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP${response.status}`;
    if (code === 'NoSuchKey' || (response.status === 404 && code !== 'NoSuchBucket' && method !== 'GET' && key !== ''))
      return null;
    if (response.status === 412) return null;
    if (code === 'FileAlreadyExists') throw new ObjectExistsError(key);
    if (response.status === 416)
      throw new RangeNotSatisfiableError(key, -1, `OSS ${operation} ${key}: range not satisfiable`);
    throw new StorageError(`OSS ${operation} ${subject} failed: ${code} (status ${response.status})`, subject);
  }

  const writeHeaders = (
    contentType: string | undefined,
    metadata: Record<string, string> | undefined,
    forbidOverwrite: boolean | undefined,
    cacheControl?: string,
  ): Record<string, string> => {
    const headers: Record<string, string> = { 'content-type': contentType ?? 'application/octet-stream' };
    if (cacheControl) headers['cache-control'] = cacheControl;
    if (forbidOverwrite) headers['x-oss-forbid-overwrite'] = 'true';
    for (const [name, value] of Object.entries(metadata ?? {})) headers[`x-oss-meta-${name.toLowerCase()}`] = value;
    return headers;
  };

  return {
    kind: 'oss',

    async get(key, getOptions = {}) {
      validateObjectKey(key);
      const response = await call(
        'get',
        key,
        'GET',
        getOptions.ifNoneMatch ? { headers: { 'if-none-match': quoteEtag(getOptions.ifNoneMatch) } } : {},
        [200, 304],
      );
      if (!response) return null;
      let body: Buffer;
      try {
        body = await readAll(response.body);
      } catch (error) {
        // A body cut off (deadline, reset) is a storage failure like any other: 503, never a 500.
        if (error instanceof StorageError) throw error;
        throw new StorageError(`OSS get ${key} failed while reading: ${(error as Error).message}`, key, {
          cause: error,
        });
      }
      if (response.status === 304)
        return { status: 'notModified', etag: normalizeEtag(single(response.headers.etag) ?? getOptions.ifNoneMatch!) };
      return { status: 'found', info: infoFromHeaders(key, response.headers), body };
    },

    async getStream(key, streamOptions = {}) {
      validateObjectKey(key);
      const range = streamOptions.range;
      const response = await call(
        'getStream',
        key,
        'GET',
        { stream: true, ...(range ? { headers: { range: `bytes=${range.start}-${range.end ?? ''}` } } : {}) },
        [200, 206],
      );
      if (!response) return null;
      const info = infoFromHeaders(key, response.headers);
      const served = single(response.headers['content-range'])?.match(/bytes (\d+)-(\d+)\//);
      return served
        ? { info, body: response.body, range: { start: Number(served[1]), end: Number(served[2]) } }
        : { info, body: response.body };
    },

    async head(key) {
      validateObjectKey(key);
      const response = await call('head', key, 'HEAD', {}, [200]);
      if (!response) return null;
      response.body.resume();
      return infoFromHeaders(key, response.headers);
    },

    async put(key, body, putOptions = {}) {
      validateObjectKey(key);
      const payload = typeof body === 'string' ? Buffer.from(body) : body;
      const response = await call(
        'put',
        key,
        'PUT',
        {
          headers: writeHeaders(
            putOptions.contentType,
            putOptions.metadata,
            putOptions.forbidOverwrite,
            putOptions.cacheControl,
          ),
          body: payload,
        },
        [200],
      );
      response!.body.resume();
      return { etag: normalizeEtag(single(response!.headers.etag) ?? '') };
    },

    async list(listOptions = {}) {
      const prefix = validateListPrefix(listOptions.prefix ?? '');
      const query: Record<string, string> = {
        'list-type': '2',
        'encoding-type': 'url',
        'max-keys': String(resolveMaxKeys(listOptions.maxKeys)),
        prefix,
      };
      if (listOptions.delimiter) query.delimiter = listOptions.delimiter;
      if (!listOptions.continuationToken && listOptions.startAfter) query['start-after'] = listOptions.startAfter;
      const subresources: Record<string, string> = listOptions.continuationToken
        ? { 'continuation-token': listOptions.continuationToken }
        : {};
      const response = await call('list', '', 'GET', { query, subresources }, [200], prefix);
      if (!response) throw new StorageError(`OSS list ${prefix} failed: not found`);
      const result =
        (
          parser.parse((await readAll(response.body)).toString('utf8')) as {
            ListBucketResult?: Record<string, unknown>;
          }
        ).ListBucketResult ?? {};
      // With encoding-type=url OSS encodes every name in the answer, the continuation token included: decode
      // each once (the token goes back as received by OSS, and request() encodes it for the query string).
      const encoded = result.EncodingType === 'url';
      // The XML parser yields names as strings (numbers for all-digit names): never objects.
      const decode = (text: unknown): string => {
        const raw = typeof text === 'string' ? text : typeof text === 'number' ? String(text) : '';
        return encoded ? ossUriDecode(raw) : raw;
      };
      const objects: ListedObject[] = ((result.Contents as Record<string, unknown>[] | undefined) ?? []).map(
        (entry) => ({
          key: decode(entry.Key),
          size: Number(entry.Size),
          etag: normalizeEtag(String(entry.ETag)),
          lastModified: new Date(String(entry.LastModified)),
        }),
      );
      const commonPrefixes = ((result.CommonPrefixes as Record<string, unknown>[] | undefined) ?? []).map((entry) =>
        decode(entry.Prefix),
      );
      const next =
        String(result.IsTruncated) === 'true' && result.NextContinuationToken
          ? decode(result.NextContinuationToken)
          : undefined;
      return next ? { objects, commonPrefixes, nextContinuationToken: next } : { objects, commonPrefixes };
    },

    async delete(key) {
      validateObjectKey(key);
      const response = await call('delete', key, 'DELETE', {}, [204, 200]);
      response?.body.resume();
    },

    async copy(sourceKey, targetKey, copyOptions = {}) {
      validateObjectKey(sourceKey);
      validateObjectKey(targetKey);
      const replace = copyOptions.metadata !== undefined || copyOptions.contentType !== undefined;
      const headers: Record<string, string> = {
        ...(replace
          ? writeHeaders(
              copyOptions.contentType,
              copyOptions.metadata,
              copyOptions.forbidOverwrite,
              copyOptions.cacheControl,
            )
          : copyOptions.forbidOverwrite
            ? { 'x-oss-forbid-overwrite': 'true' }
            : {}),
        'x-oss-copy-source': `/${options.bucket}/${encodeURIComponent(sourceKey)}`,
        'x-oss-metadata-directive': replace ? 'REPLACE' : 'COPY',
      };
      if (copyOptions.ifSourceEtag !== undefined)
        headers['x-oss-copy-source-if-match'] = quoteEtag(copyOptions.ifSourceEtag);
      const response = await call('copy', targetKey, 'PUT', { headers }, [200]);
      if (!response) return null;
      const result = parser.parse((await readAll(response.body)).toString('utf8')) as {
        CopyObjectResult?: { ETag?: string };
      };
      return { etag: normalizeEtag(result.CopyObjectResult?.ETag ?? '') };
    },

    downloadUrl,
  };
}
