import { sameExpoContent } from './expoPublish';
import type { BinaryPatch } from './binaryPatch';
import type { EmbeddedRollback, ExpoUpdate } from './expoUpdate';
import type { AutoHaltRecord } from './releaseHealth';
import type { DeploymentRef } from './storageKeys';

/** One release of a deployment as the catalog lists it. Content fields never change after the release. */
export interface Release {
  /** `v1`, `v2`, …: dense per deployment, in release order. */
  label: string;
  /** The log entry that created it. */
  seq: number;
  /** CodePush package hash (zip) or SHA-256 of the file (single bundle). */
  packageHash: string;
  /** SHA-256 of the bytes stored at `contentKey`: what `size`, `signed` and every answer describe. */
  archiveSha256: string;
  /** Where those bytes are (`storageKeys.packageContent`, keyed by `archiveSha256`); readers follow it, never derive it. */
  contentKey: string;
  contentKind: 'zip' | 'bundle';
  /** Absent for a single bundle file. */
  manifestKey: string | undefined;
  size: number;
  /** Path of the JS bundle inside the package. */
  bundlePath: string;
  targetBinaryRange: string;
  description: string;
  mandatory: boolean;
  rollout: number;
  disabled: boolean;
  /** Whether the package carries a `.codepushrelease` signature. */
  signed: boolean;
  /** `<upload key>@<etag>` for releases made by uploadBundle: how a retried event finds its release. */
  uploadId: string | undefined;
  /** Where a promoted or rolled-back release came from; absent for uploads. */
  origin?: { kind: 'promote' | 'rollback'; channel: string; label: string };
  /** CodePush diff packages from earlier releases, by their package hash (docs/protocols/codepush.md §4.2). */
  diffs?: Record<string, DiffPackage>;
  /**
   * BSDIFF40 patches to this release's bundle, by base (`patchBase`: a package hash, `binary:<version>`,
   * `expo-embedded:<id>`); each verified to rebuild the exact bundle before it was recorded.
   */
  patches?: Record<string, BinaryPatch>;
  /**
   * Present exactly when this release is an Expo update: the manifest material. Expo releases are served only
   * by the Expo manifest route; CodePush and `/v1/check` never offer them (`prepareCatalog` gives them no range).
   */
  expo?: ExpoUpdate;
  createdAt: string;
  createdBy: string;
  /** Who created it, as precisely as known (absent on releases made before actors were recorded). */
  actor?: Actor;
  /** Set when auto-halt disabled it: the numbers it decided on (kept if a person re-enables it). */
  autoHalt?: AutoHaltRecord;
  /** The latest patch of this release: when, and who made it. */
  lastPatch?: { seq: number; at: string; by: string; actor?: Actor };
}

/**
 * Who made a change: the management key of a signed request, or, for an upload, the uploader and address the
 * OSS event names. Recorded on every log entry so the log says who did what.
 */
export interface Actor {
  /** The management key id that signed the request (publishBundle). */
  key?: string;
  /** The uploader as OSS names it (`userIdentity.principalId`: a RAM user, role or account id). */
  principalId?: string;
  /** The address the upload came from (`requestParameters.sourceIPAddress`). */
  sourceIp?: string;
}

/** `key ci`, `uploader 1234 from 10.0.0.1`: an actor as history shows it; `fallback` for entries without one. */
export function describeActor(actor: Actor | undefined, fallback: string): string {
  if (actor?.key !== undefined) return `key ${actor.key}`;
  if (actor?.principalId !== undefined || actor?.sourceIp !== undefined)
    return `uploader ${actor.principalId ?? 'unknown'}${actor.sourceIp ? ` from ${actor.sourceIp}` : ''}`;
  return fallback;
}

/** A verified diff zip (`hotcodepush.json` + new and changed files) and its size. */
export interface DiffPackage {
  contentKey: string;
  size: number;
}

/** What a patch may change on a release: never its content. */
export interface ReleaseChanges {
  rollout?: number;
  mandatory?: boolean;
  disabled?: boolean;
  description?: string;
  targetBinaryRange?: string;
  /** Only in entries by `auto-halt` (never from the management API): why it disabled the release. */
  autoHalt?: AutoHaltRecord;
}

/**
 * An entry of the append-only log: a new release (upload, promote, rollback) or a patch of an existing one.
 * `by` is who made the change (uploadBundle, or the app key of a signed request); `actor` says it precisely
 * (absent on entries written before actors were recorded).
 */
export type LogEntry =
  | { seq: number; at: string; by: string; actor?: Actor; type: 'release'; release: Release }
  | { seq: number; at: string; by: string; actor?: Actor; type: 'patch'; label: string; changes: ReleaseChanges }
  | {
      seq: number;
      at: string;
      by: string;
      actor?: Actor;
      type: 'diffs';
      label: string;
      diffs: Record<string, DiffPackage>;
    }
  | {
      seq: number;
      at: string;
      by: string;
      actor?: Actor;
      /** Binary patches to `label`'s bundle, by base (merged into the release's `patches`). */
      type: 'patches';
      label: string;
      patches: Record<string, BinaryPatch>;
    }
  | {
      seq: number;
      at: string;
      by: string;
      actor?: Actor;
      /** Expo: devices on `runtimeVersion` (all when absent) return to the bundle embedded in their binary. */
      type: 'embeddedRollback';
      runtimeVersion?: string;
    };

export type ReleaseEntry = Extract<LogEntry, { type: 'release' }>;

/** The compiled state of a deployment: what readers read, in one object. */
export interface Catalog {
  schemaVersion: 1;
  deployment: DeploymentRef;
  /** The last log entry compiled in. */
  head: number;
  /** In release order (oldest first). */
  releases: Release[];
  /** Expo rollbacks to the embedded bundle, oldest first; absent until the first one. */
  embeddedRollbacks?: EmbeddedRollback[];
}

export function emptyCatalog(deployment: DeploymentRef): Catalog {
  return { schemaVersion: 1, deployment, head: 0, releases: [] };
}

/**
 * Applies log entries, which must continue the catalog's sequence without gaps (head+1, head+2, …): a gap
 * means a reader saw a log that is not yet whole, and compiling it would lose an entry.
 */
export function applyLogEntries(catalog: Catalog, entries: readonly LogEntry[]): Catalog {
  let head = catalog.head;
  const releases = [...catalog.releases];
  let embeddedRollbacks = catalog.embeddedRollbacks;
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (entry.seq <= head) continue;
    if (entry.seq !== head + 1) throw new Error(`log entry ${head + 1} is missing before entry ${entry.seq}`);
    if (entry.type === 'release') releases.push({ ...entry.release, seq: entry.seq });
    else if (entry.type === 'embeddedRollback') {
      const scope = entry.runtimeVersion === undefined ? {} : { runtimeVersion: entry.runtimeVersion };
      embeddedRollbacks = [...(embeddedRollbacks ?? []), { seq: entry.seq, at: entry.at, by: entry.by, ...scope }];
    } else {
      const index = releases.findIndex((release) => release.label === entry.label);
      if (index < 0) throw new Error(`log entry ${entry.seq} changes ${entry.label}, which does not exist`);
      const release = releases[index]!;
      releases[index] =
        entry.type === 'patch'
          ? {
              ...release,
              ...entry.changes,
              lastPatch: { seq: entry.seq, at: entry.at, by: entry.by, ...(entry.actor ? { actor: entry.actor } : {}) },
            }
          : entry.type === 'patches'
            ? { ...release, patches: { ...release.patches, ...entry.patches } }
            : { ...release, diffs: { ...release.diffs, ...entry.diffs } };
    }
    head = entry.seq;
  }
  return { ...catalog, head, releases, ...(embeddedRollbacks ? { embeddedRollbacks } : {}) };
}

/** The label the next release takes. */
export function nextReleaseLabel(catalog: Catalog): string {
  return `v${catalog.releases.length + 1}`;
}

/** A release about to be appended: everything but the fields the log assigns. */
export type ReleaseCandidate = Omit<
  Release,
  'label' | 'seq' | 'createdAt' | 'createdBy' | 'actor' | 'lastPatch' | 'autoHalt'
>;

/**
 * The entry that appends a release (content and settings given) to this catalog. A promoted or rolled-back
 * copy of a release takes its own creator and no patch history from the original.
 */
export function releaseEntry(
  catalog: Catalog,
  release: ReleaseCandidate & Partial<Pick<Release, 'actor' | 'lastPatch' | 'autoHalt'>>,
  at: string,
  by: string,
  actor?: Actor,
): ReleaseEntry {
  const seq = catalog.head + 1;
  // A copy is a new release: it was never halted (`autoHalt` would stop auto-halt from judging it).
  const { actor: _copiedActor, lastPatch: _copiedPatch, autoHalt: _copiedHalt, ...content } = release;
  const who = actor ? { actor } : {};
  return {
    seq,
    at,
    by,
    ...who,
    type: 'release',
    release: { ...content, label: nextReleaseLabel(catalog), seq, createdAt: at, createdBy: by, ...who },
  };
}

export type ReleasePlan =
  | { kind: 'append'; entry: ReleaseEntry }
  | { kind: 'alreadyReleased'; release: Release }
  | { kind: 'identical'; release: Release };

/**
 * The newest release that a candidate with this content would repeat, if that release has the same content:
 * for an Expo update, the newest Expo release for its runtime version (same launch asset and assets); for any
 * other, the newest non-Expo release for its target range (same package hash).
 */
export function identicalLatest(
  releases: readonly Release[],
  candidate: Pick<Release, 'expo' | 'targetBinaryRange' | 'packageHash'>,
): Release | undefined {
  const newestFirst = [...releases].reverse();
  if (candidate.expo) {
    const { expo } = candidate;
    const latest = newestFirst.find((release) => release.expo?.runtimeVersion === expo.runtimeVersion);
    return latest?.expo && sameExpoContent(latest.expo, expo) ? latest : undefined;
  }
  const latest = newestFirst.find(
    (release) => !release.expo && release.targetBinaryRange === candidate.targetBinaryRange,
  );
  return latest?.packageHash === candidate.packageHash ? latest : undefined;
}

/**
 * Decides what appending a release to this catalog means: a new entry (seq head+1, the next label), the
 * release this same upload already made (a retried event), or a refusal because the newest release for the
 * same target range (an Expo update: the same runtime version) has identical content.
 */
export function planRelease(
  catalog: Catalog,
  candidate: ReleaseCandidate,
  at: string,
  by: string,
  actor?: Actor,
): ReleasePlan {
  if (candidate.uploadId !== undefined) {
    const previous = catalog.releases.find((release) => release.uploadId === candidate.uploadId);
    if (previous) return { kind: 'alreadyReleased', release: previous };
  }
  const identical = identicalLatest(catalog.releases, candidate);
  if (identical) return { kind: 'identical', release: identical };
  return { kind: 'append', entry: releaseEntry(catalog, candidate, at, by, actor) };
}

/** Reads a stored log entry; throws on anything malformed (never compile a guess). */
export function parseLogEntry(json: unknown): LogEntry {
  const entry = json as LogEntry;
  if (typeof entry !== 'object' || entry === null || !Number.isInteger(entry.seq) || entry.seq < 1)
    throw new Error('not a log entry');
  if (entry.type === 'release' && typeof entry.release?.label === 'string') return entry;
  if (
    entry.type === 'patch' &&
    typeof entry.label === 'string' &&
    typeof entry.changes === 'object' &&
    entry.changes !== null
  )
    return entry;
  if (
    entry.type === 'diffs' &&
    typeof entry.label === 'string' &&
    typeof entry.diffs === 'object' &&
    entry.diffs !== null
  )
    return entry;
  if (
    entry.type === 'patches' &&
    typeof entry.label === 'string' &&
    typeof entry.patches === 'object' &&
    entry.patches !== null
  )
    return entry;
  if (
    entry.type === 'embeddedRollback' &&
    (entry.runtimeVersion === undefined || typeof entry.runtimeVersion === 'string')
  )
    return entry;
  throw new Error(`not a log entry of a known type (${JSON.stringify((entry as { type?: unknown }).type)})`);
}

/** Reads a stored catalog; throws on anything malformed. */
export function parseCatalog(json: unknown): Catalog {
  const catalog = json as Catalog;
  if (
    typeof catalog !== 'object' ||
    catalog === null ||
    catalog.schemaVersion !== 1 ||
    !Number.isInteger(catalog.head) ||
    !Array.isArray(catalog.releases)
  ) {
    throw new Error('not a catalog (schemaVersion 1)');
  }
  return catalog;
}
