import type { Readable } from 'node:stream';

/** What a store knows about one object. `etag` is normalised: upper-case hex, no quotes (as OSS events carry it). */
export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  contentType: string;
  /** User metadata (`x-oss-meta-*` on OSS), names lower-cased, without the prefix. */
  metadata: Record<string, string>;
  /** The `Cache-Control` stored with the object (served with every download), when it has one. */
  cacheControl?: string;
}

/** One entry of a listing: listings do not carry content type or metadata. */
export type ListedObject = Pick<ObjectInfo, 'key' | 'size' | 'etag' | 'lastModified'>;

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Create only: when the key exists, reject with `ObjectExistsError` and leave the object as it was. */
  forbidOverwrite?: boolean;
  /**
   * Stored with the object and sent with every download of it (OSS keeps it as the object's `Cache-Control`).
   * Immutable content is written with `immutableContent` (IMMUTABLE_CACHE_CONTROL), never a literal.
   */
  cacheControl?: string;
}

/**
 * What every write of immutable, hash-addressed content (packages, manifests, diff packages, patches, Expo
 * assets) is stored with: a CDN or a phone may keep it for a year without asking again, because the same key
 * never holds other bytes. One definition, used by every content write.
 */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Put options for immutable content: create-only, with IMMUTABLE_CACHE_CONTROL. */
export function immutableContent(contentType: string): PutOptions {
  return { contentType, forbidOverwrite: true, cacheControl: IMMUTABLE_CACHE_CONTROL };
}

export interface CopyOptions {
  forbidOverwrite?: boolean;
  /** Copy only while the source still has this ETag (OSS `x-oss-copy-source-if-match`); otherwise `null`. */
  ifSourceEtag?: string;
  /** When given, replaces the copy's metadata and content type (OSS `x-oss-metadata-directive: REPLACE`). */
  metadata?: Record<string, string>;
  contentType?: string;
  /** With a replace (metadata or content type given): the copy's `Cache-Control`. */
  cacheControl?: string;
}

export interface GetOptions {
  /** An ETag the caller already has; when it still matches, the result is `notModified` and no body moves. */
  ifNoneMatch?: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive; absent means "to the end". */
  end?: number;
}

export type GetResult = { status: 'found'; info: ObjectInfo; body: Buffer } | { status: 'notModified'; etag: string };

export interface StreamResult {
  info: ObjectInfo;
  /** The requested bytes: the whole object, or the clamped range. */
  body: Readable;
  /** The range actually served, when one was asked for. */
  range?: { start: number; end: number };
}

export interface ListOptions {
  prefix?: string;
  /** Groups keys sharing the part up to the next delimiter after the prefix into `commonPrefixes`. */
  delimiter?: string;
  /** Page size, 1–1000 (default 1000). Objects and common prefixes count together. */
  maxKeys?: number;
  /** The `nextContinuationToken` of the previous page. */
  continuationToken?: string;
  /** List only keys after this one (ignored when a continuation token is given). */
  startAfter?: string;
}

export interface ListPage {
  objects: ListedObject[];
  commonPrefixes: string[];
  /** Present when more entries follow. */
  nextContinuationToken?: string;
}

/**
 * The one object-storage interface every hotpatch function uses. Implementations: `createOssHttpStore` (OSS over
 * `node:http`, the functions' default), `createOssStore` (ali-oss), `createFsStore` (a folder),
 * `createMemoryStore` (tests). One contract suite (`describeObjectStoreContract`) runs against all four.
 *
 * Contract:
 * - A method resolves `null` only when the object is not found. Every other failure rejects with a
 *   `StorageError` (or its subclasses `ObjectExistsError`, `InvalidKeyError`): never a falsy value, never "empty".
 * - `put` and `copy` are atomic: a reader sees the old object or the new one, never part of one. A failed
 *   write leaves nothing behind.
 * - `put` with `forbidOverwrite` is an atomic create-if-absent: of concurrent writers exactly one succeeds,
 *   the others reject with `ObjectExistsError`.
 * - Listings are in ascending key order (UTF-8 byte order, as OSS), paginated by continuation token.
 * - `delete` of a missing key succeeds (as on OSS).
 */
export interface ObjectStore {
  /** Which implementation this is, for logs: `oss`, `fs` or `memory`. */
  readonly kind: string;
  get(key: string, options?: GetOptions): Promise<GetResult | null>;
  getStream(key: string, options?: { range?: ByteRange }): Promise<StreamResult | null>;
  head(key: string): Promise<ObjectInfo | null>;
  put(key: string, body: Buffer | string | Readable, options?: PutOptions): Promise<{ etag: string }>;
  list(options?: ListOptions): Promise<ListPage>;
  delete(key: string): Promise<void>;
  /** Resolves `null` when the source does not exist (or no longer has `ifSourceEtag`). Server-side on OSS. */
  copy(sourceKey: string, targetKey: string, options?: CopyOptions): Promise<{ etag: string } | null>;
  /** A URL a phone can download the object from: public, CDN or signed, by configuration. */
  downloadUrl(key: string): string;
}
