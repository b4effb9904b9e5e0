import type { EmbeddedRollback, ExpoUpdate } from './expoUpdate';
import type { Catalog, Release } from './releaseLog';
import { isInRollout } from './rolloutCohort';

/** An Expo release: a release whose `expo` part is present. */
export type ExpoRelease = Release & { expo: ExpoUpdate };

/** One item of a runtime version's timeline: a release of it or an embedded rollback that applies to it. */
type TimelineItem =
  { kind: 'release'; release: ExpoRelease } | { kind: 'embeddedRollback'; rollback: EmbeddedRollback };

/**
 * A catalog ready for many Expo decisions: per runtime version its releases and applicable embedded rollbacks,
 * newest first (by log `seq`), and the Expo releases by update id. Built once per catalog load.
 */
export interface PreparedExpoCatalog {
  /** Runtime version → its timeline, newest first. */
  readonly timelines: ReadonlyMap<string, readonly TimelineItem[]>;
  /** The timeline of a runtime version with no release: the rollbacks for every runtime version, newest first. */
  readonly unscopedRollbacks: readonly TimelineItem[];
  /** Lower-case update id → its release. */
  readonly byUpdateId: ReadonlyMap<string, ExpoRelease>;
}

/** What a device tells the Expo manifest route (request headers, validated). */
export interface ExpoUpdateRequest {
  runtimeVersion: string;
  /** `expo-current-update-id`, lower-case; undefined when absent. */
  currentUpdateId: string | undefined;
  /** `expo-embedded-update-id`, lower-case; undefined when absent. */
  embeddedUpdateId: string | undefined;
  /** `eas-client-id`: the rollout cohort key; undefined puts the device outside every partial rollout. */
  clientId: string | undefined;
}

/**
 * The answer for one device:
 * - `manifest`: serve this release's manifest;
 * - `noUpdateAvailable`: nothing to do; `release` is the update the device already runs when that is the one
 *   it would be served (protocol 0 answers with its manifest, having no directives);
 * - `rollBackToEmbedded`: return to the embedded update, with `commitTime` as the directive's parameter.
 */
export type ExpoDecision =
  | { kind: 'manifest'; release: ExpoRelease }
  | { kind: 'noUpdateAvailable'; release?: ExpoRelease }
  | { kind: 'rollBackToEmbedded'; commitTime: string };

const bySeqNewestFirst = (a: TimelineItem, b: TimelineItem): number => seqOf(b) - seqOf(a);
const seqOf = (item: TimelineItem): number => (item.kind === 'release' ? item.release.seq : item.rollback.seq);

/** Whether a release is an Expo update. */
export function isExpoRelease(release: Release): release is ExpoRelease {
  return release.expo !== undefined;
}

/**
 * Indexes a catalog's Expo releases and embedded rollbacks by runtime version (docs/protocols/expo.md "Serving").
 * Non-Expo releases are left out: the manifest route never offers them.
 */
export function prepareExpoCatalog(catalog: Catalog): PreparedExpoCatalog {
  const rollbacks = catalog.embeddedRollbacks ?? [];
  const releases = catalog.releases.filter(isExpoRelease);
  const runtimeVersions = new Set<string>();
  for (const release of releases) runtimeVersions.add(release.expo.runtimeVersion);
  for (const rollback of rollbacks)
    if (rollback.runtimeVersion !== undefined) runtimeVersions.add(rollback.runtimeVersion);
  const rollbackItems = (runtimeVersion: string | undefined): TimelineItem[] =>
    rollbacks
      .filter((rollback) => rollback.runtimeVersion === undefined || rollback.runtimeVersion === runtimeVersion)
      .map((rollback) => ({ kind: 'embeddedRollback', rollback }));
  const timelines = new Map<string, TimelineItem[]>();
  for (const runtimeVersion of runtimeVersions) {
    const items: TimelineItem[] = [
      ...rollbackItems(runtimeVersion),
      ...releases
        .filter((release) => release.expo.runtimeVersion === runtimeVersion)
        .map((release) => ({ kind: 'release' as const, release })),
    ];
    timelines.set(runtimeVersion, items.sort(bySeqNewestFirst));
  }
  const byUpdateId = new Map(releases.map((release) => [release.expo.id.toLowerCase(), release]));
  return { timelines, unscopedRollbacks: rollbackItems(undefined).sort(bySeqNewestFirst), byUpdateId };
}

/**
 * The Expo update decision (docs/protocols/expo.md "Serving"): among the releases of the device's runtime
 * version and the embedded rollbacks that apply to it, the newest visible item wins: a release is visible when
 * enabled and the device is in its rollout (the stable cohorts of `isInRollout`, keyed by `eas-client-id`), a
 * rollback always is.
 * - a release: its manifest, or `noUpdateAvailable` when the device already runs it;
 * - a rollback: `rollBackToEmbedded` (commitTime = the rollback's time), or `noUpdateAvailable` when the device
 *   already runs its embedded update;
 * - nothing visible: `rollBackToEmbedded` when the device runs a disabled release of this deployment (commitTime
 *   = when it was last patched, i.e. disabled), else `noUpdateAvailable`.
 */
export function decideExpoUpdate(prepared: PreparedExpoCatalog, request: ExpoUpdateRequest): ExpoDecision {
  const timeline = prepared.timelines.get(request.runtimeVersion) ?? prepared.unscopedRollbacks;
  for (const item of timeline) {
    if (item.kind === 'embeddedRollback') {
      const onEmbedded = request.currentUpdateId !== undefined && request.currentUpdateId === request.embeddedUpdateId;
      return onEmbedded ? { kind: 'noUpdateAvailable' } : { kind: 'rollBackToEmbedded', commitTime: item.rollback.at };
    }
    const { release } = item;
    if (release.disabled || !isInRollout(request.clientId, release.label, release.rollout)) continue;
    return release.expo.id.toLowerCase() === request.currentUpdateId
      ? { kind: 'noUpdateAvailable', release }
      : { kind: 'manifest', release };
  }
  const current = request.currentUpdateId === undefined ? undefined : prepared.byUpdateId.get(request.currentUpdateId);
  if (current?.disabled) return { kind: 'rollBackToEmbedded', commitTime: current.lastPatch?.at ?? current.createdAt };
  return { kind: 'noUpdateAvailable' };
}
