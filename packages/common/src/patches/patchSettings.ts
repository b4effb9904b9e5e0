import { DEFAULT_PATCH_BASES, DEFAULT_PATCH_MAX_RATIO } from '@hotpatch/core';
import { createEnvReader, type Env } from '../config/createEnvReader';
import { ConfigError } from '../errors';
import { FUNCTION_SIZING } from '../fc/functionSizing';

/** The functions that make patches. */
type PatchingFunction = 'uploadBundle' | 'publishBundle';

/** Which bases get a patch to a new release, and which patches are kept. */
export interface PatchSettings {
  /** How many of the deployment's most recent earlier releases are bases (0 turns release bases off). */
  maxBases: number;
  /** Largest patch kept, as a share of the gzip'd full bundle. */
  maxRatio: number;
  /**
   * Largest base or target bundle a patch is made from (`patchLimits`); larger ones get no patch, and
   * publishBundle refuses to register a build whose bundle is larger.
   */
  maxInputBytes: number;
  /** How long after patching starts no new base is begun (`patchLimits`). */
  timeBudgetMs: number;
}

/**
 * Memory bsdiff needs per byte of its input: the suffix sort's arrays take about 8 bytes per byte of base,
 * and base, target, patch, its blocks and the gzip'd target are held at once besides; the rest is the
 * instance's own headroom. 512 MB (publishBundle) gives about 24 MB of bundle, 1024 MB (uploadBundle) about 48.
 */
const MEMORY_PER_INPUT_BYTE = 21;

/**
 * Share of the function's timeout patching may start new bases in: a base takes up to ~26 s at 20 MB, so
 * promote (publishBundle, 120 s) stops starting them after 60 s and still answers in time; uploadBundle
 * (300 s) after 150 s.
 */
const PATCH_TIME_SHARE = 0.5;

/**
 * The patch limits of a function, derived from its sizing (`FUNCTION_SIZING`): the largest bundle bsdiff may
 * take as base or target in its memory, and how long it may keep starting new bases in its timeout.
 */
export function patchLimits(fn: PatchingFunction): Pick<PatchSettings, 'maxInputBytes' | 'timeBudgetMs'> {
  const { memorySize, timeout } = FUNCTION_SIZING[fn];
  return {
    maxInputBytes: Math.floor((memorySize * 1024 * 1024) / MEMORY_PER_INPUT_BYTE),
    timeBudgetMs: timeout * 1000 * PATCH_TIME_SHARE,
  };
}

/**
 * `HOTPATCH_PATCH_BASES` (default 5, 0–20) and `HOTPATCH_PATCH_MAX_RATIO` (default 0.3, above 0 and at most 1),
 * read by every function that makes patches (uploadBundle, publishBundle), with that function's `patchLimits`.
 */
export function readPatchSettings(env: Env, fn: PatchingFunction): PatchSettings {
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
    ...patchLimits(fn),
  };
}
