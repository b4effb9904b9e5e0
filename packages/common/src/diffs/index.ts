export { buildCodePushDiffs, diffCandidates, MAX_DIFFS_PER_RELEASE, type DiffBuildOptions } from './buildCodePushDiffs';
export { compatibleForDiff } from './compatibleForDiff';
