import { normalizeAppVersion } from './appVersion';
import { decideUpdate, type UpdateDecision } from './decideUpdate';
import { prepareCatalog } from './prepareCatalog';
import type { Catalog, Release } from './releaseLog';
import { DECISION_CASES, hashOf, type DecisionCase, type ExpectedDecision } from './testing';

/** A catalog holding a case's history. */
export function catalogFor(testCase: DecisionCase): Catalog {
  const releases: Release[] = testCase.releases.map((release, index) => ({
    label: `v${index + 1}`,
    seq: index + 1,
    packageHash: hashOf(release.content),
    archiveSha256: hashOf(release.content),
    contentKey: `packages/${hashOf(release.content)}/package.zip`,
    contentKind: 'zip',
    manifestKey: undefined,
    size: 100 + index,
    bundlePath: 'index.android.bundle',
    targetBinaryRange: release.range,
    description: `release ${index + 1}`,
    mandatory: release.mandatory ?? false,
    rollout: release.rollout ?? 100,
    disabled: release.disabled ?? false,
    signed: false,
    uploadId: undefined,
    createdAt: '2026-11-27T00:00:00.000Z',
    createdBy: 'test',
  }));
  return { schemaVersion: 1, deployment: { app: 'demo', platform: 'android', channel: 'staging' }, head: releases.length, releases };
}

function toExpected(decision: UpdateDecision): ExpectedDecision {
  switch (decision.kind) {
    case 'update':
      return { status: 'update', label: decision.release.label, mandatory: decision.mandatory };
    case 'rollback':
      return { status: 'rollback', label: decision.release?.label ?? null };
    case 'binaryUpdateNeeded':
      return { status: 'binaryUpdateNeeded', targetBinaryRange: decision.targetBinaryRange };
    case 'upToDate':
      return { status: 'upToDate' };
  }
}

describe('decideUpdate: the shared decision table', () => {
  it('has more cases than hot-updater’s 81', () => {
    expect(DECISION_CASES.length).toBeGreaterThan(81);
    expect(new Set(DECISION_CASES.map((testCase) => testCase.name)).size).toBe(DECISION_CASES.length);
  });

  it.each(DECISION_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const prepared = prepareCatalog(catalogFor(testCase));
    const decision = decideUpdate(prepared, {
      appVersion: normalizeAppVersion(testCase.request.appVersion)!,
      bundleHash: testCase.request.bundle === undefined ? undefined : hashOf(testCase.request.bundle),
      clientId: testCase.request.clientId,
    });
    expect(toExpected(decision)).toEqual(testCase.expected);
  });
});

describe('normalizeAppVersion', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['3', '3.0.0'],
    ['1.0+metadata', '1.0.0'],
    ['1.0-beta.1', '1.0.0-beta.1'],
    [' 2.1.0 ', '2.1.0'],
  ])('%s → %s', (raw, normalized) => {
    expect(normalizeAppVersion(raw)?.version).toBe(normalized);
  });

  it.each(['', 'abc', '1.2.3.4', 'v1..2', '1.x'])('refuses %j', (raw) => {
    expect(normalizeAppVersion(raw)).toBeNull();
  });
});
