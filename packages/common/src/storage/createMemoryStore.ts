import { Readable } from 'node:stream';
import { ObjectExistsError } from '../errors';
import { clampRange } from './clampRange';
import { createDownloadUrlBuilder, type DownloadUrlConfig } from './createDownloadUrlBuilder';
import type { ObjectInfo, ObjectStore } from './ObjectStore';
import { normalizeEtag } from './normalizeEtag';
import { paginateListing } from './paginateListing';
import { readBody } from './readBody';
import { validateListPrefix, validateObjectKey } from './validateObjectKey';

interface StoredObject {
  info: ObjectInfo;
  bytes: Buffer;
}

export interface MemoryStoreOptions {
  /** How `downloadUrl` builds links (default: public, under `memory://objects`). */
  downloadUrl?: DownloadUrlConfig;
}

/** An in-memory store for unit tests: the full contract, nothing persisted. */
export function createMemoryStore(options: MemoryStoreOptions = {}): ObjectStore {
  const objects = new Map<string, StoredObject>();
  const downloadUrl = createDownloadUrlBuilder(options.downloadUrl ?? { mode: 'public', baseUrl: 'memory://objects' });

  const copyInfo = (info: ObjectInfo): ObjectInfo => ({ ...info, metadata: { ...info.metadata } });

  return {
    kind: 'memory',

    async get(key, getOptions = {}) {
      const stored = objects.get(validateObjectKey(key));
      if (!stored) return null;
      if (getOptions.ifNoneMatch && normalizeEtag(getOptions.ifNoneMatch) === stored.info.etag) {
        return { status: 'notModified', etag: stored.info.etag };
      }
      return { status: 'found', info: copyInfo(stored.info), body: Buffer.from(stored.bytes) };
    },

    async getStream(key, streamOptions = {}) {
      const stored = objects.get(validateObjectKey(key));
      if (!stored) return null;
      if (!streamOptions.range) return { info: copyInfo(stored.info), body: Readable.from([stored.bytes]) };
      const range = clampRange(stored.info.size, streamOptions.range, key);
      return {
        info: copyInfo(stored.info),
        body: Readable.from([stored.bytes.subarray(range.start, range.end + 1)]),
        range,
      };
    },

    async head(key) {
      const stored = objects.get(validateObjectKey(key));
      return stored ? copyInfo(stored.info) : null;
    },

    async put(key, body, putOptions = {}) {
      validateObjectKey(key);
      const { bytes, etag } = await readBody(body);
      // Checked after the body is read so that concurrent creators race on this synchronous step alone.
      if (putOptions.forbidOverwrite && objects.has(key)) throw new ObjectExistsError(key);
      objects.set(key, {
        bytes,
        info: {
          key,
          size: bytes.length,
          etag,
          lastModified: new Date(),
          contentType: putOptions.contentType ?? 'application/octet-stream',
          metadata: { ...putOptions.metadata },
          ...(putOptions.cacheControl ? { cacheControl: putOptions.cacheControl } : {}),
        },
      });
      return { etag };
    },

    async list(listOptions = {}) {
      validateListPrefix(listOptions.prefix ?? '');
      return paginateListing(
        [...objects.values()].map(({ info }) => ({
          key: info.key,
          size: info.size,
          etag: info.etag,
          lastModified: info.lastModified,
        })),
        listOptions,
      );
    },

    async delete(key) {
      objects.delete(validateObjectKey(key));
    },

    async copy(sourceKey, targetKey, copyOptions = {}) {
      const source = objects.get(validateObjectKey(sourceKey));
      validateObjectKey(targetKey);
      if (!source) return null;
      if (copyOptions.ifSourceEtag !== undefined && normalizeEtag(copyOptions.ifSourceEtag) !== source.info.etag)
        return null;
      if (copyOptions.forbidOverwrite && objects.has(targetKey)) throw new ObjectExistsError(targetKey);
      const replace = copyOptions.metadata !== undefined || copyOptions.contentType !== undefined;
      objects.set(targetKey, {
        bytes: source.bytes,
        info: {
          ...source.info,
          key: targetKey,
          lastModified: new Date(),
          contentType: replace ? (copyOptions.contentType ?? 'application/octet-stream') : source.info.contentType,
          metadata: replace ? { ...copyOptions.metadata } : { ...source.info.metadata },
          cacheControl: replace ? copyOptions.cacheControl : source.info.cacheControl,
        },
      });
      return { etag: source.info.etag };
    },

    downloadUrl,
  };
}
