import semver from 'semver';
import type { PreparedCatalog } from './prepareCatalog';
import type { Release } from './releaseLog';
import { isInRollout } from './rolloutCohort';

/** What a device tells the check path. */
export interface UpdateRequest {
  appVersion: semver.SemVer;
  /** Package hash of the bundle it runs; undefined when it runs the bundle embedded in its binary. */
  bundleHash: string | undefined;
  /** A stable id of the device, for rollouts; undefined puts it outside every partial rollout. */
  clientId: string | undefined;
}

export type UpdateDecision =
  | { kind: 'update'; release: Release; mandatory: boolean }
  | { kind: 'upToDate' }
  | { kind: 'binaryUpdateNeeded'; targetBinaryRange: string }
  | { kind: 'rollback'; release: Release | null };

/** Whether a release is offered to this client at all: enabled, and the client is in its rollout cohort. */
export function isVisibleTo(release: Release, clientId: string | undefined): boolean {
  return !release.disabled && isInRollout(clientId, release.label, release.rollout);
}

/**
 * The update decision (docs/architecture.md "The update decision"; CodePush's semantics, docs/protocols/codepush.md §7.1):
 * - a release is visible to a client when it is enabled and the client is in its rollout (stable cohorts;
 *   clients outside a partial rollout see the releases before it);
 * - the newest visible release whose range the binary satisfies wins;
 * - mandatory propagates from any visible, satisfying release newer than the client's current one;
 * - a client whose current bundle exists only in disabled releases rolls back: to the newest visible release
 *   it may run, or (none) to the bundle embedded in its binary; a newer one is simply an update;
 * - with no update, a binary older than the newest visible release's range is told it needs a new binary;
 *   a binary newer than every range is up to date.
 */
export function decideUpdate(prepared: PreparedCatalog, request: UpdateRequest): UpdateDecision {
  const { releases } = prepared;
  const visible = (index: number): boolean => isVisibleTo(releases[index]!.release, request.clientId);
  const currentIndex =
    request.bundleHash === undefined ? undefined : prepared.newestIndexByHash.get(request.bundleHash);
  const currentPulled = currentIndex !== undefined && !prepared.enabledHashes.has(request.bundleHash!);

  let latest: number | undefined;
  let mandatory = false;
  for (const index of prepared.satisfying(request.appVersion)) {
    if (!visible(index)) continue;
    latest ??= index;
    if (currentIndex !== undefined && index <= currentIndex) break;
    if (releases[index]!.release.mandatory) {
      mandatory = true;
      break;
    }
  }

  if (currentPulled) {
    if (latest === undefined) return { kind: 'rollback', release: null };
    if (latest < currentIndex) return { kind: 'rollback', release: releases[latest]!.release };
  }
  if (latest !== undefined && releases[latest]!.release.packageHash !== request.bundleHash) {
    const release = releases[latest]!.release;
    return { kind: 'update', release, mandatory: mandatory || release.mandatory };
  }

  for (let index = releases.length - 1; index >= 0; index -= 1) {
    if (!visible(index)) continue;
    const { range, release } = releases[index]!;
    if (range && !range.test(request.appVersion) && !semver.gtr(request.appVersion, range)) {
      return { kind: 'binaryUpdateNeeded', targetBinaryRange: release.targetBinaryRange };
    }
    break;
  }
  return { kind: 'upToDate' };
}
