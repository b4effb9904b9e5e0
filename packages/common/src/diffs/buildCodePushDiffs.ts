import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  computePackageHash,
  isCodePushSignature,
  isIgnoredForPackageHash,
  storageKeys,
  type Actor,
  type DeploymentRef,
  type DiffPackage,
  type Release,
} from '@hotpatch/core';
import { ObjectExistsError, StorageError } from '../errors';
import type { Logger } from '../logging';
import { appendToLog } from '../releases/appendToLog';
import { loadDeploymentState } from '../releases/loadDeploymentState';
import { immutableContent, type ObjectStore } from '../storage/ObjectStore';
import { readJson } from '../storage/readJson';
import { compatibleForDiff } from './compatibleForDiff';
import { extractFiles, hashZipFiles, writeZip } from './zipFiles';

/** How many earlier releases get a diff to a new one (microsoft/code-push-server's default). */
export const MAX_DIFFS_PER_RELEASE = 5;

interface Manifest {
  packageHash: string;
  files: { path: string; sha256: string; size: number }[];
}

function parseManifest(json: unknown): Manifest {
  const manifest = json as Manifest;
  if (typeof manifest?.packageHash !== 'string' || !Array.isArray(manifest.files))
    throw new Error('not a package manifest');
  return manifest;
}

/** The files that count for the package hash, by path. */
function hashedFiles(manifest: Manifest): Map<string, string> {
  return new Map(
    manifest.files.filter((file) => !isIgnoredForPackageHash(file.path)).map((file) => [file.path, file.sha256]),
  );
}

/** The package's `.codepushrelease` files (the clients read `CodePush/.codepushrelease`). */
function signatureFiles(manifest: Manifest): string[] {
  return manifest.files.map((file) => file.path).filter(isCodePushSignature);
}

/** The earlier releases a new release gets diffs from: compatible ranges, other content, newest first, at most five. */
export function diffCandidates(releases: readonly Release[], target: Release): Release[] {
  const index = releases.findIndex((release) => release.label === target.label);
  const seen = new Set<string>([target.packageHash, ...Object.keys(target.diffs ?? {})]);
  const chosen: Release[] = [];
  for (let at = index - 1; at >= 0 && chosen.length < MAX_DIFFS_PER_RELEASE; at -= 1) {
    const old = releases[at]!;
    if (old.expo || old.contentKind !== 'zip' || !old.manifestKey || seen.has(old.packageHash)) continue;
    if (!compatibleForDiff(target.targetBinaryRange, old.targetBinaryRange)) continue;
    seen.add(old.packageHash);
    chosen.push(old);
  }
  return chosen;
}

export interface DiffBuildOptions {
  logger: Logger;
  tempDirectory: string;
  by: string;
  /** Who caused the diffs (the upload or key that made the release), recorded on the `diffs` entry. */
  actor?: Actor;
  now: () => Date;
}

/**
 * Builds the CodePush diff packages of a release (docs/protocols/codepush.md §4.2): for each candidate, a zip with
 * `hotcodepush.json` (`{"deletedFiles":[…]}`) and every new or changed file. Each diff is read back and applied
 * to the old package's manifest (delete, overlay); only if that reproduces the release's package hash is it
 * stored (`storageKeys.diffPackage`, immutable) and listed in the catalog by a `diffs` log entry. Never
 * `patchedFiles`.
 *
 * A diff is keyed by the old package hash, which a signed and an unsigned package of the same files share, so
 * it must suit a device on either: it always carries the release's own `.codepushrelease` (overwriting any old
 * one) and never deletes a signature. It is then fully determined by the release's stored bytes and the old
 * package hash, which is its storage key: a diff already stored under it is reused with its stored size.
 * Returns how many diffs the release gained.
 */
export async function buildCodePushDiffs(
  store: ObjectStore,
  deployment: DeploymentRef,
  label: string,
  options: DiffBuildOptions,
): Promise<number> {
  const state = await loadDeploymentState(store, deployment);
  const release = state.releases.find((candidate) => candidate.label === label);
  // Expo updates are downloaded asset by asset, never as CodePush packages: no diffs for them.
  if (!release || release.expo || release.contentKind !== 'zip' || !release.manifestKey) return 0;
  const candidates = diffCandidates(state.releases, release);
  if (candidates.length === 0) return 0;

  const work = mkdtempSync(path.join(options.tempDirectory, 'hotpatch-diff-'));
  try {
    const packageFile = path.join(work, 'package.zip');
    let downloaded: Promise<void> | undefined;
    // Only when a diff has to be built: diffs already stored (a promote's, usually) need no package bytes.
    const downloadPackage = async (): Promise<void> => {
      const stream = await store.getStream(release.contentKey);
      if (!stream) throw new StorageError(`package ${release.contentKey} of ${label} is missing`, release.contentKey);
      await pipeline(stream.body, createWriteStream(packageFile));
    };
    const newManifest = await readJson(store, release.manifestKey, parseManifest);
    if (!newManifest) throw new StorageError(`manifest of ${label} is missing`, release.manifestKey);
    const newFiles = hashedFiles(newManifest);
    const signatures = signatureFiles(newManifest);

    const diffs: Record<string, DiffPackage> = {};
    for (const old of candidates) {
      const contentKey = storageKeys.diffPackage(release.archiveSha256, old.packageHash);
      const stored = await store.head(contentKey);
      if (stored) {
        diffs[old.packageHash] = { contentKey, size: stored.size };
        continue;
      }
      const oldManifest = await readJson(store, old.manifestKey!, parseManifest);
      if (!oldManifest) continue;
      const oldFiles = hashedFiles(oldManifest);
      const changedFiles = [...newFiles]
        .filter(([file, sha256]) => oldFiles.get(file) !== sha256)
        .map(([file]) => file);
      const deletedFiles = [...oldFiles.keys()].filter((file) => !newFiles.has(file)).sort();
      if (changedFiles.length === 0 && deletedFiles.length === 0) continue;
      const changed = [...changedFiles, ...signatures].sort();

      await (downloaded ??= downloadPackage());
      const folder = path.join(work, randomBytes(6).toString('hex'));
      await extractFiles(packageFile, new Set(changed), folder);
      const diffFile = `${folder}.zip`;
      await writeZip(diffFile, folder, changed, { 'hotcodepush.json': Buffer.from(JSON.stringify({ deletedFiles })) });

      // Apply the diff as the client does (copy old, delete deletedFiles, overlay) and hash the result.
      const inDiff = await hashZipFiles(diffFile);
      const manifest = JSON.parse(inDiff.get('hotcodepush.json')?.bytes?.toString('utf8') ?? '{}') as {
        deletedFiles?: string[];
      };
      const applied = new Map(oldFiles);
      for (const file of manifest.deletedFiles ?? []) applied.delete(file);
      for (const [file, { sha256 }] of inDiff) if (file !== 'hotcodepush.json') applied.set(file, sha256);
      const appliedHash = computePackageHash([...applied].map(([file, sha256]) => ({ path: file, sha256 })));
      if (appliedHash !== release.packageHash) {
        options.logger.warn('diff does not reproduce the release; serving the full package instead', {
          label,
          from: old.label,
          applied_hash: appliedHash,
        });
        continue;
      }

      let size = statSync(diffFile).size;
      try {
        await store.put(contentKey, createReadStream(diffFile), immutableContent('application/zip'));
      } catch (error) {
        if (!(error instanceof ObjectExistsError)) throw error;
        // Built at the same time elsewhere: the same files in other zip bytes. Describe the one that is stored.
        const winner = await store.head(contentKey);
        if (!winner) throw new StorageError(`diff ${contentKey} exists but cannot be read`, contentKey);
        size = winner.size;
      }
      diffs[old.packageHash] = { contentKey, size };
    }
    if (Object.keys(diffs).length === 0) return 0;

    await appendToLog(store, deployment, (current) => {
      const target = current.releases.find((candidate) => candidate.label === label);
      const missing = Object.fromEntries(Object.entries(diffs).filter(([hash]) => !target?.diffs?.[hash]));
      if (!target || Object.keys(missing).length === 0) return { skip: undefined };
      return {
        append: {
          seq: current.head + 1,
          at: options.now().toISOString(),
          by: options.by,
          ...(options.actor ? { actor: options.actor } : {}),
          type: 'diffs',
          label,
          diffs: missing,
        },
        outcome: () => undefined,
      };
    });
    options.logger.info('diff packages built', {
      label,
      from: candidates.filter((old) => diffs[old.packageHash]).map((old) => old.label),
    });
    return Object.keys(diffs).length;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
