import semver from 'semver';
import type { Catalog, Release } from './releaseLog';

/** A release with its target range parsed once. */
export interface PreparedRelease {
  release: Release;
  /** Position in the catalog, oldest 0. */
  index: number;
  /** Null when the stored range does not parse: such a release never matches. */
  range: semver.Range | null;
}

/**
 * A catalog ready for many decisions: every semver range parsed once per catalog load (not per request),
 * the releases indexed by package hash, and the releases each binary version satisfies remembered.
 */
export interface PreparedCatalog {
  catalog: Catalog;
  releases: PreparedRelease[];
  /** Package hash → index of the newest release with it. */
  newestIndexByHash: ReadonlyMap<string, number>;
  /** Package hashes of which at least one release is enabled. */
  enabledHashes: ReadonlySet<string>;
  /** Indices (newest first) of the releases whose range a binary version satisfies. */
  satisfying(version: semver.SemVer): readonly number[];
}

/** How many distinct binary versions a prepared catalog remembers; far more than apps have in the field. */
const MAX_REMEMBERED_VERSIONS = 1000;

function parseRange(range: string): semver.Range | null {
  try {
    return new semver.Range(range);
  } catch {
    return null;
  }
}

export function prepareCatalog(catalog: Catalog): PreparedCatalog {
  const releases = catalog.releases.map((release, index) => ({ release, index, range: parseRange(release.targetBinaryRange) }));
  const newestIndexByHash = new Map<string, number>();
  const enabledHashes = new Set<string>();
  for (const { release, index } of releases) {
    newestIndexByHash.set(release.packageHash, index);
    if (!release.disabled) enabledHashes.add(release.packageHash);
  }
  const remembered = new Map<string, number[]>();
  return {
    catalog,
    releases,
    newestIndexByHash,
    enabledHashes,
    satisfying(version) {
      const key = version.version;
      let indices = remembered.get(key);
      if (!indices) {
        indices = [];
        for (let index = releases.length - 1; index >= 0; index -= 1) if (releases[index]!.range?.test(version)) indices.push(index);
        if (remembered.size >= MAX_REMEMBERED_VERSIONS) remembered.clear();
        remembered.set(key, indices);
      }
      return indices;
    },
  };
}
