import { DEFAULT_PATCH_BASES, DEFAULT_PATCH_MAX_RATIO } from '@hotpatch/core';
import { createEnvReader, type Env } from '../config/createEnvReader';
import { ConfigError } from '../errors';

/** Which bases get a patch to a new release, and which patches are kept. */
export interface PatchSettings {
  /** How many of the deployment's most recent earlier releases are bases (0 turns release bases off). */
  maxBases: number;
  /** Largest patch kept, as a share of the gzip'd full bundle. */
  maxRatio: number;
}

/**
 * `HOTPATCH_PATCH_BASES` (default 5, 0–20) and `HOTPATCH_PATCH_MAX_RATIO` (default 0.3, above 0 and at most 1),
 * read by every function that makes patches (uploadBundle, publishBundle).
 */
export function readPatchSettings(env: Env): PatchSettings {
  const read = createEnvReader(env);
  const raw = read.optionalString('HOTPATCH_PATCH_MAX_RATIO', {
    pattern: /^(0(\.\d+)?|1(\.0+)?)$/,
    hint: 'a number in (0, 1]',
  });
  const maxRatio = raw === undefined ? DEFAULT_PATCH_MAX_RATIO : Number(raw);
  if (!(maxRatio > 0)) throw new ConfigError('HOTPATCH_PATCH_MAX_RATIO', `must be above 0 and at most 1, got ${raw}`);
  return {
    maxBases: read.integer('HOTPATCH_PATCH_BASES', { fallback: DEFAULT_PATCH_BASES, min: 0, max: 20 }),
    maxRatio,
  };
}
