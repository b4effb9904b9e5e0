import { applyLogEntries, emptyCatalog, planRelease, type Catalog, type ReleaseCandidate } from './releaseLog';
import { historyPage, planPatch, planPromote, planRollback, type ManagementPlan } from './releaseManagement';
import type { RefusalKind } from './refusal';

const at = '2026-11-27T00:00:00.000Z';
const staging = { app: 'demo', platform: 'ios' as const, channel: 'staging' };
const production = { ...staging, channel: 'production' };
const candidate = (hash: string, range = '1.x'): ReleaseCandidate => ({
  packageHash: hash,
  archiveSha256: hash,
  contentKey: `packages/${hash}/package.zip`,
  contentKind: 'zip',
  manifestKey: undefined,
  size: 1,
  bundlePath: 'CodePush/main.jsbundle',
  targetBinaryRange: range,
  description: `content ${hash}`,
  mandatory: false,
  rollout: 100,
  disabled: false,
  signed: false,
  uploadId: undefined,
});

function withReleases(deployment = staging, hashes: string[] = ['a', 'b', 'c']): Catalog {
  return hashes.reduce((catalog, hash) => {
    const plan = planRelease(catalog, candidate(hash), at, 'test');
    if (plan.kind !== 'append') throw new Error('expected append');
    return applyLogEntries(catalog, [plan.entry]);
  }, emptyCatalog(deployment));
}

function apply(catalog: Catalog, plan: ManagementPlan): Catalog {
  if (plan.kind !== 'append') throw new Error(`refused: ${plan.reasons.join('; ')}`);
  return applyLogEntries(catalog, [plan.entry]);
}

describe('planPromote', () => {
  it('copies the latest release into the target with a new label there, recording its origin', () => {
    const target = apply(
      emptyCatalog(production),
      planPromote(withReleases(), emptyCatalog(production), { overrides: {}, at, by: 'key-1' }),
    );
    expect(target.releases).toEqual([
      expect.objectContaining({
        label: 'v1',
        packageHash: 'c',
        description: 'content c',
        rollout: 100,
        createdBy: 'key-1',
        origin: { kind: 'promote', channel: 'staging', label: 'v3' },
      }),
    ]);
  });

  it("records the promoting key as the copy's actor, not the original's creator or patches", () => {
    const source = applyLogEntries(withReleases(), [
      { seq: 4, at, by: 'ops', actor: { key: 'ops' }, type: 'patch', label: 'v3', changes: { mandatory: true } },
    ]);
    const plan = planPromote(source, emptyCatalog(production), { overrides: {}, at, by: 'ci', actor: { key: 'ci' } });
    expect(plan).toMatchObject({ kind: 'append', entry: { by: 'ci', actor: { key: 'ci' } } });
    const [promoted] = apply(emptyCatalog(production), plan).releases;
    expect(promoted).toMatchObject({ createdBy: 'ci', actor: { key: 'ci' } });
    expect(promoted).not.toHaveProperty('lastPatch');
  });

  it('promotes a named label with overrides', () => {
    const target = apply(
      emptyCatalog(production),
      planPromote(withReleases(), emptyCatalog(production), {
        label: 'v1',
        overrides: { description: 'prod', mandatory: true, rollout: 20, targetBinaryRange: '^1.2.0' },
        at,
        by: 'k',
      }),
    );
    expect(target.releases[0]).toMatchObject({
      packageHash: 'a',
      description: 'prod',
      mandatory: true,
      rollout: 20,
      targetBinaryRange: '^1.2.0',
    });
  });

  it.each<[string, () => ManagementPlan, RefusalKind, string]>([
    [
      'to the same channel',
      () => planPromote(withReleases(), withReleases(), { overrides: {}, at, by: 'k' }),
      'conflict',
      'cannot promote staging to itself',
    ],
    [
      'an unknown label',
      () => planPromote(withReleases(), emptyCatalog(production), { label: 'v9', overrides: {}, at, by: 'k' }),
      'notFound',
      'has no release v9',
    ],
    [
      'from an empty channel',
      () => planPromote(emptyCatalog(staging), emptyCatalog(production), { overrides: {}, at, by: 'k' }),
      'notFound',
      'has no releases',
    ],
    [
      'a bad range',
      () =>
        planPromote(withReleases(), emptyCatalog(production), {
          overrides: { targetBinaryRange: 'nope' },
          at,
          by: 'k',
        }),
      'invalid',
      'is not a valid semver range',
    ],
    [
      'a rollout of 0',
      () => planPromote(withReleases(), emptyCatalog(production), { overrides: { rollout: 0 }, at, by: 'k' }),
      'invalid',
      'rollout must be a whole percentage',
    ],
    [
      'identical content twice',
      () => planPromote(withReleases(), withReleases(production, ['c']), { overrides: {}, at, by: 'k' }),
      'conflict',
      'already has this content as v1',
    ],
  ])('refuses %s', (_case, plan, kind, message) => {
    expect(plan()).toEqual({ kind, reasons: [expect.stringContaining(message)] });
  });
});

describe('planPatch', () => {
  it('changes settings by a patch entry that the catalog applies', () => {
    const catalog = apply(
      withReleases(),
      planPatch(withReleases(), {
        label: 'v3',
        changes: { rollout: 100, mandatory: true, description: 'now mandatory' },
        at,
        by: 'k',
      }),
    );
    expect(catalog.releases[2]).toMatchObject({
      label: 'v3',
      mandatory: true,
      description: 'now mandatory',
      packageHash: 'c',
    });
    expect(catalog.head).toBe(4);
  });

  it('lets a rollout grow and refuses to shrink it', () => {
    const start = withReleases();
    const at20 = {
      ...start,
      releases: start.releases.map((release) => (release.label === 'v3' ? { ...release, rollout: 20 } : release)),
    };
    expect(
      apply(at20, planPatch(at20, { label: 'v3', changes: { rollout: 50 }, at, by: 'k' })).releases[2]!.rollout,
    ).toBe(50);
    expect(planPatch(at20, { label: 'v3', changes: { rollout: 10 }, at, by: 'k' })).toEqual({
      kind: 'conflict',
      reasons: ['rollout may only grow: v3 is at 20%, asked for 10%'],
    });
  });

  it('disables a release without touching its content', () => {
    const disabled = apply(
      withReleases(),
      planPatch(withReleases(), { label: 'v3', changes: { disabled: true }, at, by: 'k' }),
    );
    expect(disabled.releases[2]).toMatchObject({ label: 'v3', disabled: true, packageHash: 'c' });
  });

  it.each([
    [{ label: 'v9', changes: { mandatory: true } }, 'notFound', 'has no release v9'],
    [{ label: 'v1', changes: {} }, 'invalid', 'nothing to change on v1'],
    [{ label: 'v1', changes: { mandatory: false } }, 'invalid', 'nothing to change on v1'],
    [{ label: 'v1', changes: { targetBinaryRange: '1.x.x.x' } }, 'invalid', 'is not a valid semver range'],
    [{ label: 'v1', changes: { rollout: 101 } }, 'invalid', 'rollout must be a whole percentage'],
  ])('refuses %j', (input, kind, message) => {
    expect(planPatch(withReleases(), { ...input, at, by: 'k' })).toEqual({
      kind,
      reasons: [expect.stringContaining(message)],
    });
  });
});

describe('planRollback', () => {
  it('appends a copy of the previous release, enabled and fully rolled out', () => {
    const catalog = apply(withReleases(), planRollback(withReleases(), { at, by: 'k' }));
    expect(catalog.releases[3]).toMatchObject({
      label: 'v4',
      packageHash: 'b',
      rollout: 100,
      disabled: false,
      origin: { kind: 'rollback', channel: 'staging', label: 'v2' },
    });
  });

  it('rolls back to a named label', () => {
    expect(apply(withReleases(), planRollback(withReleases(), { label: 'v1', at, by: 'k' })).releases[3]).toMatchObject(
      { packageHash: 'a' },
    );
  });

  it.each<[string, Catalog, string | undefined, RefusalKind, string]>([
    ['an empty deployment', emptyCatalog(staging), undefined, 'notFound', 'has no releases'],
    ['a single release', withReleases(staging, ['a']), undefined, 'notFound', 'has no release before v1'],
    ['to the latest', withReleases(), 'v3', 'conflict', 'v3 is already the latest release'],
    ['to an unknown label', withReleases(), 'v7', 'notFound', 'has no release v7'],
  ])('refuses %s', (_case, catalog, label, kind, message) => {
    expect(planRollback(catalog, { ...(label ? { label } : {}), at, by: 'k' })).toEqual({
      kind,
      reasons: [expect.stringContaining(message)],
    });
  });
});

describe('historyPage', () => {
  it('pages newest first with a cursor', () => {
    const catalog = withReleases(staging, ['a', 'b', 'c', 'd', 'e']);
    const first = historyPage(catalog, 2, undefined);
    expect(first.releases.map((release) => release.label)).toEqual(['v5', 'v4']);
    const second = historyPage(catalog, 2, first.nextCursor);
    expect(second.releases.map((release) => release.label)).toEqual(['v3', 'v2']);
    const last = historyPage(catalog, 2, second.nextCursor);
    expect(last).toEqual({
      releases: [expect.objectContaining({ label: 'v1' })],
      embeddedRollbacks: [],
      nextCursor: undefined,
    });
  });
});
