import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bsdiff, bspatch } from '@hotpatch/bsdiff';
import {
  buildCanReceive,
  buildPatchBase,
  parseRegisteredBuild,
  patchBase,
  patchWorthKeeping,
  storageKeys,
  type Actor,
  type BinaryPatch,
  type DeploymentRef,
  type RegisteredBuild,
  type Release,
} from '@hotpatch/core';
import { extractFiles } from '../diffs/zipFiles';
import { ObjectExistsError, StorageError } from '../errors';
import type { Logger } from '../logging';
import { appendToLog } from '../releases/appendToLog';
import { loadDeploymentState } from '../releases/loadDeploymentState';
import { listAllKeys } from '../storage/listAllKeys';
import { immutableContent, type ObjectStore } from '../storage/ObjectStore';
import { readJson } from '../storage/readJson';
import type { PatchSettings } from './patchSettings';

/**
 * Makes and applies patches; the real one is `@hotpatch/bsdiff`, tests inject broken ones. `diff` may give up
 * (undefined) when the patch would clearly exceed `budget` bytes.
 */
export interface PatchEngine {
  diff(base: Uint8Array, target: Uint8Array, budget: number): Uint8Array | undefined;
  apply(base: Uint8Array, patch: Uint8Array): Uint8Array;
}

/**
 * How much smaller than gzip bzip2 may plausibly get the new bytes of a patch: when the gzip'd extra block
 * alone is this many times the budget, compressing it (the slow part of bsdiff) cannot end under the budget,
 * so the diff stops there. Only ever skips patches the size gate would refuse.
 */
const HOPELESS_FACTOR = 1.5;

/** Evenly spaced 32-byte windows of the target looked up in the base (`sharesEnough`). */
const SAMPLE_WINDOWS = 64;
const WINDOW_BYTES = 32;
/** Below this share of windows found, the target is unrelated to the base: every byte would travel as new. */
const MIN_SHARED_WINDOWS = 0.1;

/**
 * Whether the base shares enough with the target for a patch to possibly pass the size gate: a cheap native
 * search for a few windows of the target in the base, before the diff (whose cost is the same, hopeless or not).
 */
function sharesEnough(base: Buffer, target: Buffer): boolean {
  if (target.length < WINDOW_BYTES * SAMPLE_WINDOWS) return true;
  const step = Math.floor((target.length - WINDOW_BYTES) / (SAMPLE_WINDOWS - 1));
  let found = 0;
  for (let at = 0; at + WINDOW_BYTES <= target.length && at / step < SAMPLE_WINDOWS; at += step)
    if (base.indexOf(target.subarray(at, at + WINDOW_BYTES)) >= 0) found += 1;
  return found >= SAMPLE_WINDOWS * MIN_SHARED_WINDOWS;
}

export const BSDIFF_ENGINE: PatchEngine = {
  diff: (base, target, budget) =>
    bsdiff(base, target, {
      abandonIf: ({ extra }) =>
        extra.length > budget && gzipSync(extra, { level: 1 }).length > budget * HOPELESS_FACTOR,
    }),
  apply: bspatch,
};

export interface PatchBuildOptions {
  logger: Logger;
  settings: PatchSettings;
  tempDirectory: string;
  by: string;
  actor?: Actor;
  now: () => Date;
  /**
   * No new base is begun at or after this time (the one under way finishes); the patches made so far are
   * recorded, the remaining bases get none. Callers give `settings.timeBudgetMs` from when they start.
   */
  deadline?: Date;
  engine?: PatchEngine;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Manifest {
  files: { path: string; sha256: string }[];
}

/** A release's bundle file: its bytes and, for a zip, every other file's hash (a patch replaces the bundle only). */
interface BundleFile {
  bytes: Buffer;
  sha256: string;
  otherFiles: Map<string, string>;
}

async function releaseBundle(store: ObjectStore, release: Release, work: string): Promise<BundleFile | undefined> {
  const key = release.expo ? release.expo.launchAsset.contentKey : release.contentKey;
  const stored = await store.get(key);
  if (!stored || stored.status !== 'found')
    throw new StorageError(`content ${key} of ${release.label} is missing`, key);
  if (release.expo || release.contentKind === 'bundle')
    return { bytes: stored.body, sha256: sha256(stored.body), otherFiles: new Map() };
  if (!release.manifestKey) return undefined;
  const manifest = await readJson(store, release.manifestKey, (json) => json as Manifest);
  if (!manifest || !Array.isArray(manifest.files)) return undefined;
  const zipFile = path.join(work, `${release.archiveSha256}.zip`);
  writeFileSync(zipFile, stored.body);
  const folder = path.join(work, release.archiveSha256);
  await extractFiles(zipFile, new Set([release.bundlePath]), folder);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(folder, ...release.bundlePath.split('/')));
  } catch {
    return undefined;
  }
  const otherFiles = new Map(
    manifest.files.filter((file) => file.path !== release.bundlePath).map((file) => [file.path, file.sha256]),
  );
  return { bytes, sha256: sha256(bytes), otherFiles };
}

const sameFiles = (a: Map<string, string>, b: Map<string, string>): boolean =>
  a.size === b.size && [...a].every(([file, hash]) => b.get(file) === hash);

/** The store builds of the deployment's app platform that hotpatch knows (the write path may list them). */
async function registeredBuilds(store: ObjectStore, deployment: DeploymentRef): Promise<RegisteredBuild[]> {
  const keys = await listAllKeys(store, { prefix: storageKeys.buildsPrefix(deployment.app, deployment.platform) });
  const builds = await Promise.all(keys.map((key) => readJson(store, key, parseRegisteredBuild)));
  return builds.filter((build): build is RegisteredBuild => build !== null);
}

/** A base a patch may start from: a recent release of the deployment or a registered build. */
interface Base {
  name: string;
  describe: string;
  /** The base's bundle (`work` is a temporary folder for unpacking). */
  bytes: (work: string) => Promise<BundleFile | undefined>;
}

/**
 * Makes the BSDIFF40 patches of a release (`label` of `deployment`) from its bases: the deployment's
 * `settings.maxBases` most recent earlier releases (other bundle bytes; for a zip, the same other files, since a
 * patch rebuilds the bundle file only) and every registered store build that can receive it. Each patch is
 * applied to its base at once; only if that gives the release's exact bundle (SHA-256) and the patch is at most
 * `settings.maxRatio` of the gzip'd bundle is it stored (`storageKeys.binaryPatch`, immutable, public) and
 * recorded by a `patches` log entry. A patch already stored for the same (target, base) bytes is reused.
 * Returns how many bases the release gained. `only` restricts the bases to one (a newly registered build).
 * Bundles (base or target) over `settings.maxInputBytes` get no patch (bsdiff would outgrow the function's
 * memory), and no base is begun after `options.deadline`.
 */
export async function buildBinaryPatches(
  store: ObjectStore,
  deployment: DeploymentRef,
  label: string,
  options: PatchBuildOptions,
  only?: RegisteredBuild,
): Promise<number> {
  const engine = options.engine ?? BSDIFF_ENGINE;
  const state = await loadDeploymentState(store, deployment);
  const index = state.releases.findIndex((release) => release.label === label);
  const release = state.releases[index];
  if (!release) return 0;

  const bases: Base[] = [];
  if (!only) {
    const seen = new Set<string>([release.packageHash]);
    for (let at = index - 1; at >= 0 && bases.length < options.settings.maxBases; at -= 1) {
      const old = state.releases[at]!;
      if (seen.has(old.packageHash) || Boolean(old.expo) !== Boolean(release.expo)) continue;
      if (release.expo && old.expo?.runtimeVersion !== release.expo.runtimeVersion) continue;
      seen.add(old.packageHash);
      bases.push({
        name: patchBase.release(old.packageHash),
        describe: old.label,
        bytes: (work) => releaseBundle(store, old, work),
      });
    }
  }
  const builds = only ? [only] : await registeredBuilds(store, deployment);
  for (const build of builds.filter((candidate) => buildCanReceive(candidate, release))) {
    bases.push({
      name: buildPatchBase(build),
      describe: `build ${buildPatchBase(build)}`,
      bytes: async () => {
        const stored = await store.get(build.bundleKey);
        if (!stored || stored.status !== 'found') return undefined;
        return { bytes: stored.body, sha256: sha256(stored.body), otherFiles: new Map() };
      },
    });
  }
  const missing = bases.filter((base) => !release.patches?.[base.name]);
  if (missing.length === 0) return 0;

  const work = mkdtempSync(path.join(options.tempDirectory, 'hotpatch-patch-'));
  try {
    const target = await releaseBundle(store, release, work);
    if (!target) return 0;
    if (target.bytes.length > options.settings.maxInputBytes) {
      options.logger.info('bundle too large to patch in this function; devices download the full package', {
        label,
        bundle_bytes: target.bytes.length,
        max_bytes: options.settings.maxInputBytes,
      });
      return 0;
    }
    const gzipSize = gzipSync(target.bytes, { level: 9 }).length;
    const patches: Record<string, BinaryPatch> = {};
    for (const [position, base] of missing.entries()) {
      if (options.deadline && options.now() >= options.deadline) {
        options.logger.info('patch deadline reached; devices on the remaining bases download the full package', {
          label,
          skipped: missing.slice(position).map((each) => each.describe),
        });
        break;
      }
      const from = await base.bytes(work);
      if (!from || from.sha256 === target.sha256) continue;
      if (from.bytes.length > options.settings.maxInputBytes) {
        options.logger.info('base too large to patch from in this function; devices on it download the full package', {
          label,
          from: base.describe,
          bundle_bytes: from.bytes.length,
          max_bytes: options.settings.maxInputBytes,
        });
        continue;
      }
      // A build's other files are in the binary, not known here: only a bundle-only target suits it.
      if (!sameFiles(from.otherFiles, target.otherFiles)) continue;
      const contentKey = storageKeys.binaryPatch(target.sha256, from.sha256);
      const stored = await store.head(contentKey);
      if (stored) {
        if (patchWorthKeeping(stored.size, gzipSize, options.settings.maxRatio))
          patches[base.name] = { contentKey, size: stored.size, baseSha256: from.sha256, targetSha256: target.sha256 };
        continue;
      }
      if (!sharesEnough(from.bytes, target.bytes)) {
        options.logger.info('bundle unrelated to this base; devices on it download the full package', {
          label,
          from: base.describe,
        });
        continue;
      }
      const patch = engine.diff(from.bytes, target.bytes, Math.floor(gzipSize * options.settings.maxRatio));
      if (!patch || !patchWorthKeeping(patch.length, gzipSize, options.settings.maxRatio)) {
        options.logger.info('patch larger than the size gate; devices on this base download the full package', {
          label,
          from: base.describe,
          ...(patch ? { patch_bytes: patch.length } : {}),
          gzip_bytes: gzipSize,
        });
        continue;
      }
      let rebuilt: string;
      try {
        rebuilt = sha256(engine.apply(from.bytes, patch));
      } catch (error) {
        rebuilt = `unappliable (${String(error)})`;
      }
      if (rebuilt !== target.sha256) {
        options.logger.warn('patch does not rebuild the release bundle; not stored', {
          label,
          from: base.describe,
          rebuilt,
        });
        continue;
      }
      try {
        await store.put(
          contentKey,
          Buffer.from(patch.buffer, patch.byteOffset, patch.byteLength),
          immutableContent('application/octet-stream'),
        );
      } catch (error) {
        // Made at the same time elsewhere from the same bytes: the stored one is as good.
        if (!(error instanceof ObjectExistsError)) throw error;
      }
      patches[base.name] = { contentKey, size: patch.length, baseSha256: from.sha256, targetSha256: target.sha256 };
    }
    if (Object.keys(patches).length === 0) return 0;

    await appendToLog(store, deployment, (current) => {
      const now = current.releases.find((candidate) => candidate.label === label);
      const added = Object.fromEntries(Object.entries(patches).filter(([name]) => !now?.patches?.[name]));
      if (!now || Object.keys(added).length === 0) return { skip: undefined };
      return {
        append: {
          seq: current.head + 1,
          at: options.now().toISOString(),
          by: options.by,
          ...(options.actor ? { actor: options.actor } : {}),
          type: 'patches',
          label,
          patches: added,
        },
        outcome: () => undefined,
      };
    });
    options.logger.info('binary patches built', { label, from: Object.keys(patches) });
    return Object.keys(patches).length;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
