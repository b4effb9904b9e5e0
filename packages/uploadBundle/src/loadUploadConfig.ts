import { tmpdir } from 'node:os';
import { createEnvReader, readPatchSettings, readUploadPrefix, type Env, type PatchSettings } from '@hotpatch/common';

/** Limits that keep a hostile or broken upload from exhausting the function. */
export interface UploadLimits {
  /** Largest object accepted, bytes. */
  maxUploadBytes: number;
  maxEntries: number;
  /** Sum of uncompressed entry sizes, bytes. */
  maxUncompressedBytes: number;
  /** Uncompressed ÷ compressed, per entry and overall (zip bombs reach thousands). */
  maxCompressionRatio: number;
}

export interface UploadConfig {
  uploadPrefix: string;
  tempDirectory: string;
  limits: UploadLimits;
  /** Binary patches of each new release (`HOTPATCH_PATCH_BASES`, `HOTPATCH_PATCH_MAX_RATIO`). */
  patches: PatchSettings;
}

/**
 * `HOTPATCH_UPLOAD_PREFIX` (default `uploads/`), `HOTPATCH_TEMP_DIR` (default the OS temp folder, `/tmp` on
 * FC), `HOTPATCH_MAX_UPLOAD_MB` (256), `HOTPATCH_MAX_ZIP_ENTRIES` (20000), `HOTPATCH_MAX_UNCOMPRESSED_MB`
 * (1024), `HOTPATCH_MAX_COMPRESSION_RATIO` (200); the patch settings (`readPatchSettings`).
 */
export function loadUploadConfig(env: Env): UploadConfig {
  const read = createEnvReader(env);
  return {
    uploadPrefix: readUploadPrefix(env),
    patches: readPatchSettings(env, 'uploadBundle'),
    tempDirectory: read.string('HOTPATCH_TEMP_DIR', { fallback: tmpdir() }),
    limits: {
      maxUploadBytes: read.integer('HOTPATCH_MAX_UPLOAD_MB', { fallback: 256, min: 1, max: 10_240 }) * 1024 * 1024,
      maxEntries: read.integer('HOTPATCH_MAX_ZIP_ENTRIES', { fallback: 20_000, min: 1, max: 1_000_000 }),
      maxUncompressedBytes:
        read.integer('HOTPATCH_MAX_UNCOMPRESSED_MB', { fallback: 1024, min: 1, max: 100_000 }) * 1024 * 1024,
      maxCompressionRatio: read.integer('HOTPATCH_MAX_COMPRESSION_RATIO', { fallback: 200, min: 2, max: 100_000 }),
    },
  };
}
