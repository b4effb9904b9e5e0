import { normalizeAppVersion } from './appVersion';
import { decideUpdate } from './decideUpdate';
import { explainUpdate } from './explainUpdate';
import { prepareCatalog } from './prepareCatalog';
import { catalogForCase, COHORT, DECISION_CASES, hashOf } from './testing';

const deployment = { app: 'demo', platform: 'android', channel: 'staging' } as const;

describe('explainUpdate', () => {
  it('makes the same decision as decideUpdate in every case of the decision table', () => {
    for (const testCase of DECISION_CASES) {
      const prepared = prepareCatalog(catalogForCase(testCase, deployment));
      const request = {
        appVersion: normalizeAppVersion(testCase.request.appVersion)!,
        bundleHash: testCase.request.bundle === undefined ? undefined : hashOf(testCase.request.bundle),
        clientId: testCase.request.clientId,
      };
      const { decision, trace } = explainUpdate(prepared, request);
      expect(decision).toEqual(decideUpdate(prepared, request));
      expect(trace.releases).toHaveLength(testCase.releases.length);
    }
  });

  it('names, newest first, why each release was not the answer: disabled, cohort, range, current, superseded', () => {
    const prepared = prepareCatalog(
      catalogForCase(
        {
          name: 'every reason',
          releases: [
            { range: '^1.0.0', content: 'a' },
            { range: '^1.0.0', content: 'b', rollout: 5 },
            { range: '^1.0.0', content: 'c' },
            { range: '^2.0.0', content: 'd' },
            { range: '^1.0.0', content: 'e', disabled: true },
          ],
          request: { appVersion: '1.2.0' },
          expected: { status: 'upToDate' },
        },
        deployment,
      ),
    );
    const { decision, trace } = explainUpdate(prepared, {
      appVersion: normalizeAppVersion('1.2.0')!,
      bundleHash: hashOf('a'),
      clientId: COHORT.bucket95,
    });
    expect(decision).toMatchObject({ kind: 'update', release: { label: 'v3' } });
    expect(trace).toEqual({
      chosen: 'v3',
      current: 'v1',
      releases: [
        { label: 'v5', targetBinaryRange: '^1.0.0', rollout: 100, outcome: 'disabled' },
        { label: 'v4', targetBinaryRange: '^2.0.0', rollout: 100, outcome: 'binaryRange' },
        { label: 'v3', targetBinaryRange: '^1.0.0', rollout: 100, outcome: 'chosen' },
        { label: 'v2', targetBinaryRange: '^1.0.0', rollout: 5, outcome: 'rolloutCohort' },
        { label: 'v1', targetBinaryRange: '^1.0.0', rollout: 100, outcome: 'alreadyCurrent' },
      ],
    });
  });
});
