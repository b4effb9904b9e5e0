import semver from 'semver';

/**
 * Whether an older release's binary range is compatible with a new one for diffing, by
 * microsoft/code-push-server's rule (docs/protocols/codepush.md §4.2): two ranges must be the same range; a range
 * and an exact version, the version must satisfy the range.
 */
export function compatibleForDiff(newRange: string, oldRange: string): boolean {
  const newExact = semver.valid(newRange);
  const oldExact = semver.valid(oldRange);
  if (newExact) return semver.satisfies(newExact, oldRange);
  if (oldExact) return semver.satisfies(oldExact, newRange);
  return semver.validRange(newRange) !== null && semver.validRange(newRange) === semver.validRange(oldRange);
}
