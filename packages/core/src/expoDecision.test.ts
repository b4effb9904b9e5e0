import { decideExpoUpdate, prepareExpoCatalog, type ExpoDecision, type ExpoUpdateRequest } from './expoDecision';
import { COHORT, expoCaseId, expoCaseTime, expoCatalog, type ExpoCaseItem } from './testing';

const deployment = { app: 'shop', platform: 'ios' as const, channel: 'production' };
const EMBEDDED = 'eeeeeeee-0000-4000-8000-000000000000';
const rv = (runtimeVersion: string, flags: Partial<Extract<ExpoCaseItem, { id?: string }>> = {}): ExpoCaseItem => ({
  runtimeVersion,
  ...flags,
});
const embeddedRollback = (runtimeVersion?: string): ExpoCaseItem => ({
  embeddedRollback: true,
  ...(runtimeVersion === undefined ? {} : { runtimeVersion }),
});

/** What a case expects, in words the test can compare: which update's manifest, or which directive. */
type Expected = { manifest: number } | { noUpdate: number | null } | { rollBackToEmbedded: string };

function summary(decision: ExpoDecision): Expected {
  const seqOf = (id: string): number => Number(id.slice(-12));
  switch (decision.kind) {
    case 'manifest':
      return { manifest: seqOf(decision.release.expo.id) };
    case 'noUpdateAvailable':
      return { noUpdate: decision.release ? seqOf(decision.release.expo.id) : null };
    case 'rollBackToEmbedded':
      return { rollBackToEmbedded: decision.commitTime };
  }
}

const PATCHED_AT = '2026-11-20T12:00:00.000Z';

/** [name, history (oldest first; seq = position + 1), request, expected]. */
const CASES: [string, ExpoCaseItem[], Partial<ExpoUpdateRequest>, Expected][] = [
  ['no releases: no update', [], {}, { noUpdate: null }],
  ['one release: its manifest', [rv('1')], {}, { manifest: 1 }],
  ['the device runs it already: noUpdateAvailable', [rv('1')], { currentUpdateId: expoCaseId(1) }, { noUpdate: 1 }],
  ['the newest release of the runtime version wins', [rv('1'), rv('1')], {}, { manifest: 2 }],
  ['another runtime version is never offered', [rv('1'), rv('2')], {}, { manifest: 1 }],
  ['a runtime version with no release: no update', [rv('2')], {}, { noUpdate: null }],
  ['runtime versions match exactly, never as ranges', [rv('1.0.0')], { runtimeVersion: '1.0' }, { noUpdate: null }],
  ['a disabled newest release is skipped', [rv('1'), rv('1', { disabled: true })], {}, { manifest: 1 }],
  [
    'outside a partial rollout the release before it is served',
    [rv('1'), rv('1', { rollout: 50 })],
    { clientId: COHORT.bucket95 },
    { manifest: 1 },
  ],
  [
    'inside a partial rollout the new release is served',
    [rv('1'), rv('1', { rollout: 50 })],
    { clientId: COHORT.bucket5 },
    { manifest: 2 },
  ],
  [
    'no eas-client-id: outside every partial rollout',
    [rv('1'), rv('1', { rollout: 99 })],
    { clientId: undefined },
    { manifest: 1 },
  ],
  [
    'an embedded rollback: rollBackToEmbedded at its time',
    [rv('1'), embeddedRollback()],
    {},
    {
      rollBackToEmbedded: expoCaseTime(2),
    },
  ],
  [
    'an embedded rollback, device already on the embedded update: noUpdateAvailable',
    [rv('1'), embeddedRollback()],
    { currentUpdateId: EMBEDDED },
    { noUpdate: null },
  ],
  ['a release after the rollback supersedes it', [rv('1'), embeddedRollback(), rv('1')], {}, { manifest: 3 }],
  [
    'a release of another runtime version does not supersede the rollback',
    [rv('1'), embeddedRollback(), rv('2')],
    {},
    { rollBackToEmbedded: expoCaseTime(2) },
  ],
  [
    'a rollback scoped to another runtime version does not apply',
    [rv('1'), embeddedRollback('2')],
    {},
    { manifest: 1 },
  ],
  [
    'a rollback scoped to the runtime version applies',
    [rv('1'), embeddedRollback('1')],
    {},
    { rollBackToEmbedded: expoCaseTime(2) },
  ],
  [
    'a scoped rollback applies to a runtime version that has no release',
    [rv('1'), embeddedRollback('3')],
    { runtimeVersion: '3' },
    { rollBackToEmbedded: expoCaseTime(2) },
  ],
  [
    'an unscoped rollback applies to a runtime version that has no release',
    [embeddedRollback()],
    { runtimeVersion: '9' },
    { rollBackToEmbedded: expoCaseTime(1) },
  ],
  [
    'a release after the rollback outside the device rollout: still the rollback',
    [rv('1'), embeddedRollback(), rv('1', { rollout: 50 })],
    { clientId: COHORT.bucket95 },
    { rollBackToEmbedded: expoCaseTime(2) },
  ],
  [
    'the device runs a disabled release and nothing is visible: rollBackToEmbedded at the time it was disabled',
    [rv('1', { disabled: true, patchedAt: PATCHED_AT })],
    { currentUpdateId: expoCaseId(1) },
    { rollBackToEmbedded: PATCHED_AT },
  ],
  [
    'the device runs a disabled release, an older one is visible: that manifest',
    [rv('1'), rv('1', { disabled: true, patchedAt: PATCHED_AT })],
    { currentUpdateId: expoCaseId(2) },
    { manifest: 1 },
  ],
  [
    'a device on the embedded update with every release disabled: noUpdateAvailable',
    [rv('1', { disabled: true, patchedAt: PATCHED_AT })],
    { currentUpdateId: EMBEDDED },
    { noUpdate: null },
  ],
  [
    'update ids compare case-insensitively (ids stored in upper case)',
    [rv('1', { id: expoCaseId(1).toUpperCase() })],
    { currentUpdateId: expoCaseId(1) },
    { noUpdate: 1 },
  ],
];

describe('decideExpoUpdate: the Expo decision table', () => {
  it('names every case once and reaches every kind of answer', () => {
    expect(new Set(CASES.map(([name]) => name)).size).toBe(CASES.length);
    expect(new Set(CASES.map(([, , , expected]) => Object.keys(expected)[0]))).toEqual(
      new Set(['manifest', 'noUpdate', 'rollBackToEmbedded']),
    );
  });

  it.each(CASES)('%s', (_name, items, request, expected) => {
    const prepared = prepareExpoCatalog(expoCatalog(deployment, items));
    const decision = decideExpoUpdate(prepared, {
      runtimeVersion: '1',
      currentUpdateId: undefined,
      embeddedUpdateId: EMBEDDED,
      clientId: 'device-1',
      ...request,
    });
    expect(summary(decision)).toEqual(expected);
  });

  it('ignores releases that are not Expo updates', () => {
    const catalog = expoCatalog(deployment, [rv('1')]);
    const { expo: _expo, ...codePush } = catalog.releases[0]!;
    const prepared = prepareExpoCatalog({ ...catalog, releases: [{ ...codePush, seq: 2, label: 'v2' }] });
    expect(prepared.timelines.size).toBe(0);
  });
});
