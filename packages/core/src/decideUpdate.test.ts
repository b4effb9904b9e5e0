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
  it('names every case once and reaches every kind of answer a device can get', () => {
    expect(new Set(DECISION_CASES.map((testCase) => testCase.name)).size).toBe(DECISION_CASES.length);
    expect(new Set(DECISION_CASES.map((testCase) => testCase.expected.status))).toEqual(
      new Set(['update', 'upToDate', 'rollback', 'binaryUpdateNeeded']),
    );
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
