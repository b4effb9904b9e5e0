import { patchBase, type BinaryPatch } from './binaryPatch';
import type { ExpoRelease, PreparedExpoCatalog } from './expoDecision';
import type { Catalog, Release } from './releaseLog';
import { storageKeys } from './storageKeys';

/**
 * Expo launch-asset patches (RFC 3229 delta encoding as expo-updates speaks it, docs/protocols/expo.md
 * "Patches"): which release a launch-asset download is for, and which stored BSDIFF40 patch rebuilds it from
 * the bundle the device runs. Pure: the route reads the cached catalog and hands it here.
 */

/** The `A-IM` / `IM` token of the one delta encoding expo-updates applies. */
export const EXPO_PATCH_ENCODING = 'bsdiff';

/**
 * The request headers the answer of the launch-asset route depends on: every answer names them in `Vary`, so a
 * cache keyed by URL alone never gives one device's answer to another.
 */
export const EXPO_PATCH_VARY = 'A-IM, Expo-Current-Update-ID, Expo-Embedded-Update-ID';

/** A launch asset's manifest `hash` (base64url SHA-256, no padding): what names it in the route's path. */
export const EXPO_ASSET_HASH = /^[A-Za-z0-9_-]{43}$/;

/** Whether an `A-IM` header asks for bsdiff (a comma list, compared case-insensitively, parameters ignored). */
export function acceptsBsdiff(aIm: string | undefined): boolean {
  if (aIm === undefined) return false;
  return aIm.split(',').some((item) => item.split(';')[0]!.trim().toLowerCase() === EXPO_PATCH_ENCODING);
}

/** The Expo releases of a catalog whose launch asset has this manifest `hash`, newest first. */
export function expoReleasesWithLaunchAsset(catalog: Catalog, hash: string): ExpoRelease[] {
  return catalog.releases
    .filter((release): release is ExpoRelease => release.expo?.launchAsset.hash === hash)
    .reverse();
}

/** A patch a device can apply, and the update id it patches from (the answer's `expo-base-update-id`). */
export interface ExpoLaunchPatch {
  patch: BinaryPatch;
  baseUpdateId: string;
}

function patchFrom(release: Release, base: ExpoRelease | undefined, updateId: string): BinaryPatch | undefined {
  const patches = release.patches ?? {};
  if (base) {
    const baseKey = base.expo.launchAsset.contentKey;
    return Object.values(patches).find((patch) => storageKeys.expoAsset(patch.baseSha256) === baseKey);
  }
  // Not an update of this deployment: the embedded update of a registered build, if one was registered.
  const embedded = patchBase.expoEmbedded(updateId);
  return Object.hasOwn(patches, embedded) ? patches[embedded] : undefined;
}

/**
 * The patch that turns the launch asset of the update a device runs (`currentUpdateId`: an update of this
 * deployment, or the embedded update of a registered build) into `targets`' launch asset (the releases with
 * those bytes, newest first; any of them may carry the patch, since patches are named by bytes). Undefined when
 * there is none, or when the device already has those bytes: it then gets the full asset.
 */
export function findExpoLaunchPatch(
  prepared: PreparedExpoCatalog,
  targets: readonly ExpoRelease[],
  currentUpdateId: string,
): ExpoLaunchPatch | undefined {
  const id = currentUpdateId.toLowerCase();
  const base = prepared.byUpdateId.get(id);
  for (const target of targets) {
    if (base?.expo.launchAsset.hash === target.expo.launchAsset.hash) return undefined;
    const patch = patchFrom(target, base, id);
    if (patch) return { patch, baseUpdateId: id };
  }
  return undefined;
}
