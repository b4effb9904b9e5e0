import { normalizeAppVersion } from './appVersion';
import { decideUpdate, type UpdateDecision } from './decideUpdate';
import { prepareCatalog } from './prepareCatalog';
import { catalogForCase, DECISION_CASES, hashOf, type ExpectedDecision } from './testing';

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
    const prepared = prepareCatalog(catalogForCase(testCase, { app: 'demo', platform: 'android', channel: 'staging' }));
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
