import OSS from 'ali-oss';
import type { Readable } from 'node:stream';
import { ObjectExistsError, RangeNotSatisfiableError, StorageError } from '../errors';
import type { OssCredentials } from '../signing/ossV1Signature';
import { createDownloadUrlBuilder } from './createDownloadUrlBuilder';
import type { OssStoreOptions } from './OssStoreOptions';
import type { ObjectInfo, ObjectStore } from './ObjectStore';
import { normalizeEtag, quoteEtag } from './normalizeEtag';
import { resolveMaxKeys } from './paginateListing';
import { validateListPrefix, validateObjectKey } from './validateObjectKey';

interface OssError {
  code?: string;
  status?: number;
  name?: string;
  message?: string;
}

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** OSS user metadata from response headers: `x-oss-meta-name` → `name`. */
function metadataFromHeaders(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-oss-meta-') && value !== undefined)
      metadata[name.slice('x-oss-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  return metadata;
}

function infoFromHeaders(key: string, headers: Headers): ObjectInfo {
  const contentRange = header(headers, 'content-range');
  const size = contentRange ? Number(contentRange.split('/')[1]) : Number(header(headers, 'content-length') ?? 0);
  return {
    key,
    size,
    etag: normalizeEtag(header(headers, 'etag') ?? ''),
    lastModified: new Date(header(headers, 'last-modified') ?? 0),
    contentType: header(headers, 'content-type') ?? 'application/octet-stream',
    metadata: metadataFromHeaders(headers),
    ...(header(headers, 'cache-control') ? { cacheControl: header(headers, 'cache-control')! } : {}),
  };
}

const sameCredentials = (a: OssCredentials, b: OssCredentials): boolean =>
  a.accessKeyId === b.accessKeyId && a.accessKeySecret === b.accessKeySecret && a.securityToken === b.securityToken;

/** OSS through ali-oss, with the `ObjectStore` contract's error mapping. */
export type { OssStoreOptions };

export function createOssStore(options: OssStoreOptions): ObjectStore {
  let cached: { credentials: OssCredentials; client: OSS } | undefined;
  const downloadUrl = createDownloadUrlBuilder(options.downloadUrl);

  /** The client for the current credentials: rebuilt when they rotate, reused otherwise. */
  function client(): OSS {
    const credentials = options.credentials();
    if (!cached || !sameCredentials(cached.credentials, credentials)) {
      const clientOptions: OSS.Options & { sldEnable?: boolean; refreshSTSToken?: () => Promise<unknown> } = {
        bucket: options.bucket,
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        timeout: options.timeoutMs ?? 60_000,
      };
      if (options.region) clientOptions.region = options.region;
      if (options.endpoint) clientOptions.endpoint = options.endpoint;
      if (options.pathStyle) clientOptions.sldEnable = true;
      const stsToken = credentials.securityToken;
      if (stsToken) {
        clientOptions.stsToken = stsToken;
        // We rebuild the client on rotation ourselves; this only keeps ali-oss from warning that nobody does.
        clientOptions.refreshSTSToken = async () => ({
          accessKeyId: credentials.accessKeyId,
          accessKeySecret: credentials.accessKeySecret,
          stsToken,
        });
        clientOptions.refreshSTSTokenInterval = 24 * 3600 * 1000;
      }
      cached = { credentials, client: new OSS(clientOptions) };
    }
    return cached.client;
  }

  /** Runs an OSS call; "not found" becomes `null`, everything else a typed `StorageError`. */
  async function call<T>(operation: string, key: string, run: (oss: OSS) => Promise<T>): Promise<T | null> {
    try {
      return await run(client());
    } catch (error) {
      const ossError = error as OssError;
      if (ossError.code === 'NoSuchKey' || (ossError.status === 404 && ossError.code !== 'NoSuchBucket')) return null;
      // Only copy sends preconditions: the source no longer is the version asked for.
      if (ossError.code === 'PreconditionFailed' || ossError.status === 412) return null;
      if (ossError.code === 'FileAlreadyExists') throw new ObjectExistsError(key, { cause: error });
      if (ossError.code === 'InvalidRange' || ossError.status === 416)
        throw new RangeNotSatisfiableError(key, -1, `OSS ${operation} ${key}: range not satisfiable`);
      throw new StorageError(
        `OSS ${operation} ${key} failed: ${ossError.code ?? ossError.name ?? 'error'} (status ${ossError.status ?? 'none'})`,
        key,
        { cause: error },
      );
    }
  }

  async function required<T>(operation: string, key: string, run: (oss: OSS) => Promise<T>): Promise<T> {
    const result = await call(operation, key, run);
    if (result === null) throw new StorageError(`OSS ${operation} ${key} failed: not found`, key);
    return result;
  }

  const writeHeaders = (forbidOverwrite: boolean | undefined): Record<string, string> =>
    forbidOverwrite ? { 'x-oss-forbid-overwrite': 'true' } : {};

  return {
    kind: 'oss',

    async get(key, getOptions = {}) {
      validateObjectKey(key);
      const headers: Record<string, string> = getOptions.ifNoneMatch
        ? { 'If-None-Match': quoteEtag(getOptions.ifNoneMatch) }
        : {};
      return call('get', key, async (oss) => {
        const result = await oss.get(key, { headers });
        const responseHeaders = result.res.headers as Headers;
        if (result.res.status === 304)
          return {
            status: 'notModified' as const,
            etag: normalizeEtag(header(responseHeaders, 'etag') ?? getOptions.ifNoneMatch!),
          };
        const body = Buffer.isBuffer(result.content) ? result.content : Buffer.from(result.content ?? '');
        return { status: 'found' as const, info: infoFromHeaders(key, responseHeaders), body };
      });
    },

    async getStream(key, streamOptions = {}) {
      validateObjectKey(key);
      const range = streamOptions.range;
      const headers: Record<string, string> = range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {};
      return call('getStream', key, async (oss) => {
        const result = await oss.getStream(key, { headers });
        const responseHeaders = result.res.headers as Headers;
        const info = infoFromHeaders(key, responseHeaders);
        const served = header(responseHeaders, 'content-range')?.match(/bytes (\d+)-(\d+)\//);
        const body = result.stream as Readable;
        return served ? { info, body, range: { start: Number(served[1]), end: Number(served[2]) } } : { info, body };
      });
    },

    async head(key) {
      validateObjectKey(key);
      return call('head', key, async (oss) => infoFromHeaders(key, (await oss.head(key)).res.headers as Headers));
    },

    async put(key, body, putOptions = {}) {
      validateObjectKey(key);
      const ossOptions = {
        headers: {
          ...writeHeaders(putOptions.forbidOverwrite),
          ...(putOptions.cacheControl ? { 'Cache-Control': putOptions.cacheControl } : {}),
        },
        meta: putOptions.metadata ?? {},
        mime: putOptions.contentType ?? 'application/octet-stream',
      } as OSS.PutObjectOptions;
      return required('put', key, async (oss) => {
        const result =
          Buffer.isBuffer(body) || typeof body === 'string'
            ? await oss.put(key, Buffer.from(body), ossOptions)
            : await oss.putStream(key, body, ossOptions as OSS.PutStreamOptions);
        return { etag: normalizeEtag(header(result.res.headers as Headers, 'etag') ?? '') };
      });
    },

    async list(listOptions = {}) {
      const prefix = validateListPrefix(listOptions.prefix ?? '');
      const query: Record<string, string> = { prefix, 'max-keys': String(resolveMaxKeys(listOptions.maxKeys)) };
      if (listOptions.delimiter) query.delimiter = listOptions.delimiter;
      if (listOptions.continuationToken) query['continuation-token'] = listOptions.continuationToken;
      else if (listOptions.startAfter) query['start-after'] = listOptions.startAfter;
      return required('list', prefix, async (oss) => {
        const result = await oss.listV2(query, {});
        const page = {
          objects: (result.objects ?? []).map((object) => ({
            key: object.name,
            size: object.size,
            etag: normalizeEtag(object.etag),
            lastModified: new Date(object.lastModified),
          })),
          commonPrefixes: result.prefixes ?? [],
        };
        const next = (result as unknown as { nextContinuationToken?: string }).nextContinuationToken;
        return result.isTruncated && next ? { ...page, nextContinuationToken: next } : page;
      });
    },

    async delete(key) {
      validateObjectKey(key);
      await required('delete', key, async (oss) => oss.delete(key));
    },

    async copy(sourceKey, targetKey, copyOptions = {}) {
      validateObjectKey(sourceKey);
      validateObjectKey(targetKey);
      const headers: Record<string, string> = writeHeaders(copyOptions.forbidOverwrite);
      // Named in full: ali-oss prefixes every copy header with x-oss-copy-source-, and a bare If-Match would also go out as is.
      if (copyOptions.ifSourceEtag !== undefined)
        headers['x-oss-copy-source-if-match'] = quoteEtag(copyOptions.ifSourceEtag);
      const replace = copyOptions.metadata !== undefined || copyOptions.contentType !== undefined;
      if (replace) headers['Content-Type'] = copyOptions.contentType ?? 'application/octet-stream';
      if (replace && copyOptions.cacheControl) headers['Cache-Control'] = copyOptions.cacheControl;
      return call('copy', targetKey, async (oss) => {
        const result = await oss.copy(
          targetKey,
          sourceKey,
          replace ? ({ headers, meta: copyOptions.metadata ?? {} } as OSS.CopyObjectOptions) : { headers },
        );
        return {
          etag: normalizeEtag(
            (result.data as { etag?: string } | undefined)?.etag ?? header(result.res.headers as Headers, 'etag') ?? '',
          ),
        };
      });
    },

    downloadUrl,
  };
}
