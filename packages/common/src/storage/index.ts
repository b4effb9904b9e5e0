export type * from './ObjectStore';
export { IMMUTABLE_CACHE_CONTROL, immutableContent } from './ObjectStore';
export { createMemoryStore, type MemoryStoreOptions } from './createMemoryStore';
export { createFsStore, type FsStoreOptions } from './createFsStore';
export { createOssStore, type OssStoreOptions } from './createOssStore';
export { createOssHttpStore, type OssHttpStoreOptions } from './createOssHttpStore';
export {
  createDownloadUrlBuilder,
  signedUrlLifetimeSeconds,
  STS_SIGNED_URL_MAX_SECONDS,
  type DownloadUrlConfig,
  type SigningCredentials,
} from './createDownloadUrlBuilder';
export { normalizeEtag, quoteEtag } from './normalizeEtag';
export { validateObjectKey, validateListPrefix, MAX_OBJECT_KEY_BYTES } from './validateObjectKey';
export { compareKeys } from './compareKeys';
export {
  paginateListing,
  resolveMaxKeys,
  encodeListingToken,
  decodeListingToken,
  MAX_LIST_KEYS,
} from './paginateListing';
export { md5Etag } from './readBody';
export { readJson, writeJson } from './readJson';
export { listAllKeys } from './listAllKeys';
