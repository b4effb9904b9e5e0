import { DEFAULT_UPLOAD_PREFIX, UPLOAD_PREFIX_PATTERN } from '@hotpatch/core';
import { createEnvReader, type Env } from './createEnvReader';

/** `HOTPATCH_CATALOG_TTL_SECONDS` when unset: how long a warm check instance trusts a catalog it holds. */
export const DEFAULT_CATALOG_TTL_SECONDS = 10;

/**
 * `HOTPATCH_CATALOG_TTL_SECONDS` (default 10, 0 revalidates on every request, at most 3600): the
 * publish-to-visible delay. getLatestBundle caches by it; publishBundle reports it with every change, so both
 * read it here and an operator gives both functions the same value.
 */
export function readCatalogTtlSeconds(env: Env): number {
  return createEnvReader(env).integer('HOTPATCH_CATALOG_TTL_SECONDS', {
    fallback: DEFAULT_CATALOG_TTL_SECONDS,
    min: 0,
    max: 3600,
  });
}

/**
 * `HOTPATCH_UPLOAD_PREFIX` (default `uploads/`): the one upload prefix the OSS trigger watches, uploadBundle
 * accepts, publishBundle answers status for and uploaders write under.
 */
export function readUploadPrefix(env: Env): string {
  return createEnvReader(env).string('HOTPATCH_UPLOAD_PREFIX', {
    fallback: DEFAULT_UPLOAD_PREFIX,
    pattern: UPLOAD_PREFIX_PATTERN,
    hint: 'a key prefix ending in /, like uploads/',
  });
}
