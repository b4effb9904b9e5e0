/**
 * The rollout bucket (0–99) of a client for a release, exactly as microsoft/code-push-server computes it
 * (docs/protocols/codepush.md §7.3): a Java-style string hash of `clientId-releaseTag` whose shift is int32 but
 * whose subtraction and addition are doubles (no `| 0`), so hotpatch's cohorts equal CodePush's.
 */
export function rolloutBucket(clientId: string, releaseTag: string): number {
  const identifier = `${clientId}-${releaseTag}`;
  let hash = 0;
  for (let index = 0; index < identifier.length; index += 1) {
    hash = (hash << 5) - hash + identifier.charCodeAt(index);
  }
  return Math.abs(hash) % 100;
}

/**
 * Whether a client is in a release's rollout. Stable (the same client, release and percentage always give
 * the same answer) and monotone (raising the percentage only adds clients). A client without an id is never
 * in a partial rollout.
 */
export function isInRollout(clientId: string | undefined, releaseTag: string, rollout: number): boolean {
  if (rollout >= 100) return true;
  if (!clientId) return false;
  return rolloutBucket(clientId, releaseTag) < rollout;
}
