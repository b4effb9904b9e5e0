import semver from 'semver';
import { normalizeAppVersion } from './appVersion';
import { patchBase } from './binaryPatch';
import type { Platform } from './names';
import type { Release } from './releaseLog';

/**
 * A store build whose embedded bundle hotpatch knows: the base of patches for fresh installs, which run the
 * bundle shipped in the binary and so have no `bundleHash` to send. A native build is named by its binary
 * version; an Expo build by its runtime version and embedded update id. Records are private.
 */
export type RegisteredBuild = {
  app: string;
  platform: Platform;
  /** SHA-256 of the embedded bundle's bytes; the bytes are at `bundleKey` (`storageKeys.buildBundle`). */
  bundleSha256: string;
  bundleKey: string;
  size: number;
  registeredAt: string;
  by: string;
} &
  /** `binaryVersion` as `normalizeAppVersion` writes it (`1.4` → `1.4.0`), the form devices are matched in. */
  ({ kind: 'native'; binaryVersion: string } | { kind: 'expo'; runtimeVersion: string; embeddedUpdateId: string });

/** What identifies a build among an app platform's builds, and names its record (`storageKeys.build`). */
export function registeredBuildId(
  build: { kind: 'native'; binaryVersion: string } | { kind: 'expo'; embeddedUpdateId: string },
): string {
  return build.kind === 'native' ? `binary-${build.binaryVersion}` : `expo-${build.embeddedUpdateId.toLowerCase()}`;
}

/**
 * What `registeredBuildId` can produce, so a build id in a request path is checked by the same definition that
 * makes ids: `binary-` and a normalised semver version, or `expo-` and a lower-case UUID.
 */
export const REGISTERED_BUILD_ID_PATTERN =
  /^(binary-[0-9A-Za-z.+-]{1,128}|expo-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** How `Release.patches` names a patch from this build's bundle (`patchBase`). */
export function buildPatchBase(build: RegisteredBuild): string {
  return build.kind === 'native'
    ? patchBase.binary(build.binaryVersion)
    : patchBase.expoEmbedded(build.embeddedUpdateId);
}

/** Whether a device on this build can be offered the release: its binary version in range, or the same runtime. */
export function buildCanReceive(build: RegisteredBuild, release: Release): boolean {
  if (build.kind === 'expo') return release.expo?.runtimeVersion === build.runtimeVersion;
  if (release.expo) return false;
  const version = normalizeAppVersion(build.binaryVersion);
  return version !== null && semver.satisfies(version, release.targetBinaryRange);
}

/** Reads a stored build record; throws on anything malformed. */
export function parseRegisteredBuild(json: unknown): RegisteredBuild {
  const build = json as RegisteredBuild;
  if (
    typeof build !== 'object' ||
    build === null ||
    typeof build.bundleSha256 !== 'string' ||
    typeof build.bundleKey !== 'string' ||
    (build.kind === 'native' ? typeof build.binaryVersion !== 'string' : build.kind !== 'expo')
  )
    throw new Error('not a registered build');
  return build;
}
