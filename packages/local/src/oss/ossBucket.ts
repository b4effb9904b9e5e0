import type { IncomingMessage } from 'node:http';
import type { ObjectStore } from '@hotpatch/common';
import type { BucketAccess } from './accessPolicy';
import type { MultipartUploads } from './createMultipartUploads';

/**
 * A bucket and who may read it unsigned: `publicRead` (ACL public-read: every object) or
 * `anonymousReadPrefixes` (ACL private plus a policy granting anonymous GetObject on those prefixes only).
 * Listing and writes are always signed.
 */
export interface OssBucketConfig extends BucketAccess {
  name: string;
}

/** A served bucket: its objects (a filesystem store) and its unfinished multipart uploads. */
export interface LocalBucket extends OssBucketConfig {
  store: ObjectStore;
  uploads: MultipartUploads;
}

/**
 * What the operation groups (object, multipart, bucket) need from the server that dispatches to them: its
 * clock, its buckets by name, and the OSS trigger fired after every object creation.
 */
export interface OssOperationContext {
  now: () => number;
  region: string;
  accountId: string;
  bucketNamed(name: string): LocalBucket;
  allBuckets(): LocalBucket[];
  /** Fires `ObjectCreated:<operation>` at the functions watching the key. */
  notifyCreated(
    eventName: string,
    bucket: string,
    key: string,
    etag: string,
    size: number,
    previousSize: number,
    request: IncomingMessage,
    requestId: string,
  ): void;
}
