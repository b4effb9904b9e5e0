import type { Release } from './releaseLog';

/**
 * Binary patches (BSDIFF40) from a bundle a device may be running to a release's bundle: what the catalog
 * records and how the check path finds one. Stored immutably at `storageKeys.binaryPatch(target, base)`, so a
 * patch is found by (base bundle SHA-256, target bundle SHA-256) whatever asks: a `/v1/check` device (by its
 * package hash or binary version), or an Expo client (by update id, resolved to the base bundle's SHA-256).
 */

/** The one patch format hotpatch produces (Colin Percival's bsdiff 4.3 format with bzip2 blocks). */
export const PATCH_ALGORITHM = 'bsdiff40';

/** One stored patch that turns a base bundle into this release's bundle. */
export interface BinaryPatch {
  /** `storageKeys.binaryPatch(targetSha256, baseSha256)`: public-read, immutable. */
  contentKey: string;
  size: number;
  /** SHA-256 of the base bundle's bytes (the file the device applies the patch to). */
  baseSha256: string;
  /** SHA-256 of the bundle the patch rebuilds: the release's bundle file. */
  targetSha256: string;
}

/**
 * How a base is named in `Release.patches`: a release's package hash (what a device sends as `bundleHash`), or
 * a registered store build: `binary:<binaryVersion>` (native) or `expo-embedded:<embeddedUpdateId>` (Expo).
 */
export const patchBase = {
  release: (packageHash: string) => packageHash,
  binary: (binaryVersion: string) => `binary:${binaryVersion}`,
  expoEmbedded: (embeddedUpdateId: string) => `expo-embedded:${embeddedUpdateId.toLowerCase()}`,
} as const;

/** Default number of a deployment's most recent earlier releases that get a patch to a new one. */
export const DEFAULT_PATCH_BASES = 5;
/**
 * Default largest patch kept, as a share of the gzip-compressed full bundle: beyond it the full download is
 * nearly as cheap and needs no base, so the device gets the full package.
 */
export const DEFAULT_PATCH_MAX_RATIO = 0.3;

/** Whether a patch of `patchSize` bytes is worth keeping next to a full bundle of `gzipSize` bytes (gzip'd). */
export function patchWorthKeeping(patchSize: number, gzipSize: number, maxRatio: number): boolean {
  return patchSize <= gzipSize * maxRatio;
}

/**
 * The patch a `/v1/check` device gets with `release`: by the package hash it runs, or, running the bundle
 * embedded in its binary (no `bundleHash`), by its binary version when that store build was registered.
 */
export function findPatch(
  release: Release,
  device: { bundleHash: string | undefined; appVersion: string },
): BinaryPatch | undefined {
  const base =
    device.bundleHash === undefined ? patchBase.binary(device.appVersion) : patchBase.release(device.bundleHash);
  return Object.hasOwn(release.patches ?? {}, base) ? release.patches![base] : undefined;
}

/** The patch to this release from a base bundle with these bytes (the Expo path names bases by bytes). */
export function findPatchFromBytes(release: Release, baseSha256: string): BinaryPatch | undefined {
  return Object.values(release.patches ?? {}).find((patch) => patch.baseSha256 === baseSha256);
}
