import type { RegisteredBuild } from './registeredBuild';
import type { LogEntry, Release } from './releaseLog';
import { metricsKeys } from './storageKeys';

/**
 * What `hotpatch gc` may collect, by prefix, and by which rule: `content` is deleted when nothing references it
 * (`referencedKeys`) and it is older than the grace period; `foldedReports` (raw reports the fold has counted
 * and moved) when older than the grace period; `uploadAge` (upload outcomes) when older than the upload age,
 * like the uploads themselves (an outcome is written after its upload, so it never outlives it by gc). The
 * upload prefix (configurable) is collected by that age, apart. A prefix not listed here is never touched. New
 * kinds of stored content add a line here and, if releases reference them, a line in `referencedKeys`.
 */
export const COLLECTABLE_PREFIXES: readonly { prefix: string; rule: 'content' | 'foldedReports' | 'uploadAge' }[] =
  Object.freeze([
    { prefix: 'packages/', rule: 'content' },
    { prefix: 'diffs/', rule: 'content' },
    { prefix: 'assets/', rule: 'content' },
    { prefix: 'patches/', rule: 'content' },
    { prefix: 'build-bundles/', rule: 'content' },
    { prefix: metricsKeys.archivePrefix(), rule: 'foldedReports' },
    { prefix: 'upload-status/', rule: 'uploadAge' },
  ]);

/**
 * Content younger than this is never collected, referenced or not: a release being published writes its
 * content before its log entry (an upload within uploadBundle's 300 s timeout, diffs within publishBundle's
 * 120 s), so gc, which reads the logs after listing, could otherwise delete content whose entry lands mid-run.
 */
export const GC_GRACE_MS = 60 * 60 * 1000;

/** Upload objects (the inbox) older than this are collected unless the request names another age. */
export const DEFAULT_UPLOAD_MAX_AGE_DAYS = 30;

/**
 * Every key a release names: its package and manifest, its diff packages, its binary patches, its Expo launch
 * asset and assets.
 */
function releaseKeys(release: Release, into: Set<string>): void {
  into.add(release.contentKey);
  if (release.manifestKey) into.add(release.manifestKey);
  for (const diff of Object.values(release.diffs ?? {})) into.add(diff.contentKey);
  for (const patch of Object.values(release.patches ?? {})) into.add(patch.contentKey);
  if (release.expo) {
    into.add(release.expo.launchAsset.contentKey);
    for (const asset of release.expo.assets) into.add(asset.contentKey);
  }
}

/**
 * The one rule of what stored content is in use: every key named by any release of any catalog or any log
 * entry (release, or diffs and patches added later), and the bundle of every registered store build.
 * Catalogs and logs are both read because each may be ahead of the other.
 */
export function referencedKeys(
  catalogReleases: readonly Release[],
  logEntries: readonly LogEntry[],
  builds: readonly RegisteredBuild[] = [],
): Set<string> {
  const keys = new Set<string>();
  for (const release of catalogReleases) releaseKeys(release, keys);
  for (const entry of logEntries) {
    if (entry.type === 'release') releaseKeys(entry.release, keys);
    else if (entry.type === 'diffs') for (const diff of Object.values(entry.diffs)) keys.add(diff.contentKey);
    else if (entry.type === 'patches') for (const patch of Object.values(entry.patches)) keys.add(patch.contentKey);
  }
  for (const build of builds) keys.add(build.bundleKey);
  return keys;
}

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** Which listed objects gc collects, and how many it keeps and why. Pure: the caller lists, reads and deletes. */
export function planCollection(
  listed: readonly StoredObject[],
  referenced: ReadonlySet<string>,
  options: { now: Date; uploadPrefix: string; uploadMaxAgeMs: number; graceMs?: number },
): { collect: StoredObject[]; kept: { referenced: number; young: number } } {
  const grace = options.graceMs ?? GC_GRACE_MS;
  const collect: StoredObject[] = [];
  const kept = { referenced: 0, young: 0 };
  for (const object of listed) {
    const age = options.now.getTime() - object.lastModified.getTime();
    if (object.key.startsWith(options.uploadPrefix)) {
      if (age > options.uploadMaxAgeMs) collect.push(object);
      else kept.young += 1;
      continue;
    }
    const rule = COLLECTABLE_PREFIXES.find(({ prefix }) => object.key.startsWith(prefix))?.rule;
    if (rule === undefined) continue;
    if (rule === 'uploadAge') {
      if (age > options.uploadMaxAgeMs) collect.push(object);
      else kept.young += 1;
    } else if (rule === 'content' && referenced.has(object.key)) kept.referenced += 1;
    else if (age <= grace) kept.young += 1;
    else collect.push(object);
  }
  return { collect, kept };
}
