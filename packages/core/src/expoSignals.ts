import type { MetricDeltas } from './codePushMetrics';
import type { PreparedExpoCatalog } from './expoDecision';
import { createLruCache, LRU_ENTRY_OVERHEAD_BYTES, type LruCache, type LruLimits } from './lruCache';
import type { DeploymentRef } from './storageKeys';

/**
 * At most this many ids of `Expo-Recent-Failed-Update-IDs` are read from one request: expo-updates sends only
 * the few updates that failed to launch recently, so a longer list is not a device's and its rest is ignored.
 */
export const MAX_RECENT_FAILED_UPDATE_IDS = 8;

/**
 * The bound of a warm instance's memory of what it has counted (`createExpoSignalMemory`): every key comes from
 * an anonymous request. One entry per (device, update, kind) and one per device's current update, about 250
 * bytes each: 16,000 devices' worth in 8 MB (a small share of getLatestBundle's memory, whose caches together
 stay under half of it: getLatestBundle/src/cacheBudget.test.ts). When it is full the oldest are forgotten and such a device
 * may be counted again (as by another instance).
 */
export const EXPO_SIGNAL_MEMORY_LIMITS: LruLimits = { maxEntries: 32_000, maxBytes: 8 * 1024 * 1024 };

/**
 * The counter kinds of launch signals from the Expo manifest route (`<label>:<kind>`), kept apart from the
 * CodePush kinds that keyed status reports count: the route needs no key, `eas-client-id` is whatever the caller
 * says and update ids are in public manifests, so anyone can add these. Release health shows them as
 * `unverified`; auto-halt reads them only when a channel's policy opts in (`HaltPolicy.unverifiedSignals`).
 */
export const UNVERIFIED_SIGNAL_KINDS = Object.freeze({
  installed: 'UnverifiedSucceeded',
  failed: 'UnverifiedFailed',
  active: 'UnverifiedActive',
});

/** What one manifest request tells about launches (its headers, validated). */
export interface ExpoLaunchSignals {
  deployment: DeploymentRef;
  /** `eas-client-id`; without it nothing is counted (there is nothing to count each device once by). */
  clientId: string | undefined;
  /** `expo-current-update-id`, lower-case: the update the device runs now. */
  currentUpdateId: string | undefined;
  /** `Expo-Recent-Failed-Update-IDs`, lower-case UUIDs: updates that failed to launch on the device. */
  recentFailedUpdateIds: readonly string[];
}

/**
 * What a warm instance has counted: `seen` keys for each (deployment, device, update, kind) counted, and for each
 * (deployment, device) the update last counted as the one it runs. An `LruCache` (bounded; keys are anonymous).
 */
export type ExpoSignalMemory = LruCache<string, string>;

/** A fresh memory bounded by `EXPO_SIGNAL_MEMORY_LIMITS` (one per warm instance). */
export function createExpoSignalMemory(limits: LruLimits = EXPO_SIGNAL_MEMORY_LIMITS): ExpoSignalMemory {
  return createLruCache(limits);
}

/** What most requests count (a device asking again about what it runs): shared, so nothing is allocated for it. */
const NOTHING: MetricDeltas = new Map();

const weigh = (key: string, value: string): number => LRU_ENTRY_OVERHEAD_BYTES + (key.length + value.length) * 2;

/**
 * The metric deltas one Expo manifest request makes, under their own kinds (`UNVERIFIED_SIGNAL_KINDS`), never
 * the CodePush ones: the request is anonymous, so release health shows them apart and auto-halt ignores them
 * unless the channel opts in:
 * - each id of `recentFailedUpdateIds` that is a release of this deployment: `<label>:UnverifiedFailed`;
 * - `currentUpdateId` when it is a release of this deployment: `<label>:UnverifiedSucceeded` and
 *   `<label>:UnverifiedActive`; the release the same device was last counted on (in this memory) loses its `Active`, also
 *   when the device now runs something that is no release (its embedded update, after a failed launch).
 *
 * The device re-sends the same ids on every request, so each (device, update, kind) counts once per `memory`,
 * i.e. per warm instance; ids that name no release of the deployment (another deployment's, its embedded one,
 * invented ones) count nothing, so anonymous requests cannot add names to the counters. No clock, no I/O: the
 * memory is the caller's.
 */
export function expoSignalDeltas(
  prepared: PreparedExpoCatalog,
  signals: ExpoLaunchSignals,
  memory: ExpoSignalMemory,
): MetricDeltas {
  const { clientId } = signals;
  if (clientId === undefined) return NOTHING;
  let deltas: Map<string, number> | undefined;
  const { app, platform, channel } = signals.deployment;
  const device = `${app}/${platform}/${channel}\n${clientId}`;
  const add = (field: string, delta: number): void => {
    deltas ??= new Map();
    deltas.set(field, (deltas.get(field) ?? 0) + delta);
  };
  /** Whether (device, update, kind) is new to this memory; remembers it. */
  const firstTime = (kind: string, updateId: string): boolean => {
    const key = `${device}\n${kind}\n${updateId}`;
    if (memory.get(key) !== undefined) return false;
    memory.set(key, '', weigh(key, ''));
    return true;
  };

  for (const updateId of signals.recentFailedUpdateIds) {
    const release = prepared.byUpdateId.get(updateId);
    if (release && firstTime('failed', updateId)) add(`${release.label}:${UNVERIFIED_SIGNAL_KINDS.failed}`, 1);
  }

  const currentKey = `${device}\ncurrent`;
  const lastCurrent = memory.get(currentKey);
  const current = signals.currentUpdateId === undefined ? undefined : prepared.byUpdateId.get(signals.currentUpdateId);
  if (current && lastCurrent !== signals.currentUpdateId) {
    if (firstTime('installed', signals.currentUpdateId!))
      add(`${current.label}:${UNVERIFIED_SIGNAL_KINDS.installed}`, 1);
    add(`${current.label}:${UNVERIFIED_SIGNAL_KINDS.active}`, 1);
    memory.set(currentKey, signals.currentUpdateId!, weigh(currentKey, signals.currentUpdateId!));
  } else if (!current && lastCurrent !== undefined) memory.delete(currentKey);
  if (lastCurrent !== undefined && lastCurrent !== signals.currentUpdateId) {
    const previous = prepared.byUpdateId.get(lastCurrent);
    if (previous) add(`${previous.label}:${UNVERIFIED_SIGNAL_KINDS.active}`, -1);
  }
  return deltas ?? NOTHING;
}
