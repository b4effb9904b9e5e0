import { StorageError } from '../errors';
import { compareKeys } from './compareKeys';
import type { ListOptions, ListPage, ListedObject } from './ObjectStore';

export const MAX_LIST_KEYS = 1000;

/**
 * Continuation tokens are opaque to callers: the last key or common prefix returned, base64url-encoded.
 * `encodeListingToken(marker)` also turns a ListObjects V1 `marker` or V2 `start-after` into a token.
 */
export function encodeListingToken(marker: string): string {
  return Buffer.from(marker, 'utf8').toString('base64url');
}

export function decodeListingToken(token: string): string {
  const marker = Buffer.from(token, 'base64url').toString('utf8');
  if (marker.length === 0 || encodeListingToken(marker) !== token)
    throw new StorageError(`invalid continuation token: ${token}`);
  return marker;
}

/** Validates and defaults `maxKeys` the way OSS does (1–1000, default 1000). */
export function resolveMaxKeys(maxKeys: number | undefined): number {
  if (maxKeys === undefined) return MAX_LIST_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > MAX_LIST_KEYS) {
    throw new StorageError(`maxKeys must be an integer from 1 to ${MAX_LIST_KEYS}, got ${maxKeys}`);
  }
  return maxKeys;
}

/**
 * One page of a ListObjectsV2-style listing over every object under the prefix (in any order). Shared by the
 * filesystem and memory stores so that both paginate and group exactly like OSS: objects and common prefixes
 * count together towards `maxKeys`, and a page never splits a common prefix.
 */
export function paginateListing(candidates: ListedObject[], options: ListOptions = {}): ListPage {
  const prefix = options.prefix ?? '';
  const maxKeys = resolveMaxKeys(options.maxKeys);
  const after = options.continuationToken
    ? decodeListingToken(options.continuationToken)
    : options.startAfter || undefined;
  const delimiter = options.delimiter || undefined;
  const sorted = candidates.filter((object) => object.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
  // A page that ended on a common prefix resumes after every key inside it.
  const comesAfterMarker = (key: string): boolean =>
    after === undefined ||
    (compareKeys(key, after) > 0 && !(delimiter && after.endsWith(delimiter) && key.startsWith(after)));

  const objects: ListedObject[] = [];
  const commonPrefixes: string[] = [];
  let lastMarker: string | undefined;
  for (const object of sorted) {
    if (!comesAfterMarker(object.key)) continue;
    const groupEnd = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
    const group = delimiter && groupEnd >= 0 ? object.key.slice(0, groupEnd + delimiter.length) : undefined;
    if (group !== undefined && group === commonPrefixes[commonPrefixes.length - 1]) continue;
    if (objects.length + commonPrefixes.length === maxKeys) {
      return { objects, commonPrefixes, nextContinuationToken: encodeListingToken(lastMarker!) };
    }
    if (group !== undefined) {
      commonPrefixes.push(group);
      lastMarker = group;
    } else {
      objects.push(object);
      lastMarker = object.key;
    }
  }
  return { objects, commonPrefixes };
}
