import semver from 'semver';
import { createLruCache, LRU_ENTRY_OVERHEAD_BYTES, type LruLimits } from './lruCache';
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
  /** The memo behind `satisfying`, bounded by `SATISFYING_MEMO_LIMITS`: how much it holds now. */
  readonly rememberedVersions: { readonly size: number; readonly bytes: number };
}

/**
 * What a prepared catalog remembers of binary versions: far more versions than apps have in the field, and a
 * byte bound, since versions come from anonymous requests. Caches of prepared catalogs count `maxBytes` into
 * each catalog's weight.
 */
export const SATISFYING_MEMO_LIMITS: LruLimits = { maxEntries: 2000, maxBytes: 512 * 1024 };

function parseRange(range: string): semver.Range | null {
  try {
    return new semver.Range(range);
  } catch {
    return null;
  }
}

export function prepareCatalog(catalog: Catalog): PreparedCatalog {
  const releases = catalog.releases.map((release, index) => ({
    release,
    index,
    // Expo updates target a runtime version, never a binary range: CodePush and `/v1/check` never offer them.
    range: release.expo ? null : parseRange(release.targetBinaryRange),
  }));
  const newestIndexByHash = new Map<string, number>();
  const enabledHashes = new Set<string>();
  for (const { release, index } of releases) {
    if (release.expo) continue;
    newestIndexByHash.set(release.packageHash, index);
    if (!release.disabled) enabledHashes.add(release.packageHash);
  }
  const remembered = createLruCache<string, number[]>(SATISFYING_MEMO_LIMITS);
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
        for (let index = releases.length - 1; index >= 0; index -= 1)
          if (releases[index]!.range?.test(version)) indices.push(index);
        remembered.set(key, indices, LRU_ENTRY_OVERHEAD_BYTES + key.length * 2 + indices.length * 8);
      }
      return indices;
    },
    rememberedVersions: remembered,
  };
}
