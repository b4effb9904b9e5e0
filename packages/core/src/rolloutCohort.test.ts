import { isInRollout, rolloutBucket } from './rolloutCohort';
import { COHORT } from './testing';

describe('rollout cohorts (microsoft/code-push-server rollout-selector semantics)', () => {
  it.each([
    ['device-1', 'v3', 32],
    ['device-2', 'v3', 23],
    ['00000000-0000-0000-0000-000000000000', 'v1', 84],
    ['client-100', 'v1', 3],
    ['a', 'v1', 79],
    ['client-42', 'v7', 78],
    ['undefined', 'v2', 25],
  ])('bucket of %s for %s is %i (docs/protocols/codepush.md §7.3)', (clientId, label, bucket) => {
    expect(rolloutBucket(clientId, label)).toBe(bucket);
  });

  it('selects 2,502 of client-0…client-9999 at 25% for v1, as CodePush does', () => {
    const selected = Array.from({ length: 10_000 }, (_, index) => `client-${index}`).filter((id) =>
      isInRollout(id, 'v1', 25),
    );
    expect(selected).toHaveLength(2502);
  });

  it('only adds clients when the percentage grows, and samples each release differently', () => {
    const ids = Array.from({ length: 2000 }, (_, index) => `device-${index}`);
    const at20 = new Set(ids.filter((id) => isInRollout(id, 'v5', 20)));
    const at50 = new Set(ids.filter((id) => isInRollout(id, 'v5', 50)));
    for (const id of at20) expect(at50.has(id)).toBe(true);
    const other = new Set(ids.filter((id) => isInRollout(id, 'v6', 20)));
    expect([...at20].filter((id) => other.has(id)).length).toBeLessThan(at20.size);
  });

  it('keeps clients without an id out of partial rollouts, and everyone in a full one', () => {
    expect(isInRollout(undefined, 'v1', 99)).toBe(false);
    expect(isInRollout(undefined, 'v1', 100)).toBe(true);
  });

  it('has the cohort ids the decision cases rely on', () => {
    expect(rolloutBucket(COHORT.bucket5, 'v2')).toBe(5);
    expect(rolloutBucket(COHORT.bucket95, 'v2')).toBe(95);
  });
});
