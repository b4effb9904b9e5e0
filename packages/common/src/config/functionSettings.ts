import { DEFAULT_UPLOAD_PREFIX, uploadPrefixProblem } from '@hotpatch/core';
import { createEnvReader, type Env } from './createEnvReader';
import { ConfigError } from '../errors';

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
 * accepts, publishBundle answers status for and uploaders write under. Refused when it overlaps a prefix
 * hotpatch owns (`uploadPrefixProblem`): gc would delete logs or records under it by age.
 */
export function readUploadPrefix(env: Env): string {
  const prefix = createEnvReader(env).string('HOTPATCH_UPLOAD_PREFIX', { fallback: DEFAULT_UPLOAD_PREFIX });
  const problem = uploadPrefixProblem(prefix);
  if (problem) throw new ConfigError('HOTPATCH_UPLOAD_PREFIX', problem);
  return prefix;
}

/** `HOTPATCH_TIMER_SECONDS` when unset: the fold's period (the production time trigger fires every minute). */
export const DEFAULT_TIMER_SECONDS = 60;

/**
 * `HOTPATCH_TIMER_SECONDS` (default 60, 1–3600): how often the timer runs (the local stack's timer; the FC time
 * trigger's period in production) and how often a warm check instance flushes its buffered signals.
 */
export function readTimerSeconds(env: Env): number {
  return createEnvReader(env).integer('HOTPATCH_TIMER_SECONDS', { fallback: DEFAULT_TIMER_SECONDS, min: 1, max: 3600 });
}
