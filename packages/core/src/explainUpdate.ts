import { decideUpdate, isVisibleTo, type UpdateDecision, type UpdateRequest } from './decideUpdate';
import type { PreparedCatalog } from './prepareCatalog';

/**
 * Why a release was not the answer: it is disabled, the client is outside its rollout cohort, the binary is
 * outside its range, it is what the client already runs, a newer eligible release won, or it is not offered
 * on this path at all (an Expo update).
 */
export type TraceOutcome =
  'chosen' | 'disabled' | 'rolloutCohort' | 'binaryRange' | 'alreadyCurrent' | 'superseded' | 'notOffered';

/** What `explainUpdate` says about each release, newest first. */
export interface UpdateTrace {
  releases: { label: string; targetBinaryRange: string; rollout: number; outcome: TraceOutcome }[];
  /** The label the decision names (update or rollback target), when it names one. */
  chosen?: string;
  /** The label of the newest release with the client's bundle hash, when it has one. */
  current?: string;
}

/**
 * `decideUpdate` with its reasons, for `hotpatch check --explain`. The decision itself is `decideUpdate`'s (so
 * the two can never disagree) and the check path never calls this: it pays nothing for the trace. Each release
 * gets the first rule that excludes it, in the order a person asks: shown at all, for this binary, new.
 */
export function explainUpdate(
  prepared: PreparedCatalog,
  request: UpdateRequest,
): { decision: UpdateDecision; trace: UpdateTrace } {
  const decision = decideUpdate(prepared, request);
  const chosen =
    decision.kind === 'update' || (decision.kind === 'rollback' && decision.release)
      ? decision.release!.label
      : undefined;
  const currentIndex =
    request.bundleHash === undefined ? undefined : prepared.newestIndexByHash.get(request.bundleHash);
  const releases: UpdateTrace['releases'] = [];
  for (let index = prepared.releases.length - 1; index >= 0; index -= 1) {
    const { range, release } = prepared.releases[index]!;
    const outcome: TraceOutcome = !range
      ? 'notOffered'
      : release.label === chosen
        ? 'chosen'
        : release.disabled
          ? 'disabled'
          : !isVisibleTo(release, request.clientId)
            ? 'rolloutCohort'
            : !range.test(request.appVersion)
              ? 'binaryRange'
              : release.packageHash === request.bundleHash
                ? 'alreadyCurrent'
                : 'superseded';
    releases.push({
      label: release.label,
      targetBinaryRange: release.targetBinaryRange,
      rollout: release.rollout,
      outcome,
    });
  }
  return {
    decision,
    trace: {
      releases,
      ...(chosen ? { chosen } : {}),
      ...(currentIndex !== undefined ? { current: prepared.releases[currentIndex]!.release.label } : {}),
    },
  };
}
