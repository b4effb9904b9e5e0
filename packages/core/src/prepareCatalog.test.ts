import semver from 'semver';
import { prepareCatalog, SATISFYING_MEMO_LIMITS } from './prepareCatalog';
import { catalogForCase } from './testing';

const deployment = { app: 'demo', platform: 'android' as const, channel: 'staging' };

describe('prepareCatalog', () => {
  it('bounds the per-binary-version memo in entries and bytes, whatever versions requests name', () => {
    // 400 releases that every version satisfies: each remembered version holds 400 indices.
    const releases = Array.from({ length: 400 }, (_, index) => ({ range: '*', content: `c${index}` }));
    const prepared = prepareCatalog(
      catalogForCase(
        { name: 'many', releases, request: { appVersion: '1.0.0' }, expected: { status: 'upToDate' } },
        deployment,
      ),
    );
    let answered = 0;
    for (let index = 0; index < 20_000; index += 1)
      answered += prepared.satisfying(new semver.SemVer(`${index}.0.0`)).length;
    expect(answered).toBe(20_000 * 400);
    expect(prepared.rememberedVersions.size).toBeGreaterThan(0);
    expect(prepared.rememberedVersions.size).toBeLessThanOrEqual(SATISFYING_MEMO_LIMITS.maxEntries);
    expect(prepared.rememberedVersions.bytes).toBeLessThanOrEqual(SATISFYING_MEMO_LIMITS.maxBytes);
  });

  it('answers the same from the memo as without it', () => {
    const prepared = prepareCatalog(
      catalogForCase(
        {
          name: 'ranges',
          releases: [
            { range: '1.x', content: 'a' },
            { range: '>=1.2.0', content: 'b' },
            { range: '2.x', content: 'c' },
          ],
          request: { appVersion: '1.0.0' },
          expected: { status: 'upToDate' },
        },
        deployment,
      ),
    );
    for (let round = 0; round < 2; round += 1) {
      expect(prepared.satisfying(new semver.SemVer('1.3.0'))).toEqual([1, 0]);
      expect(prepared.satisfying(new semver.SemVer('2.0.0'))).toEqual([2, 1]);
      expect(prepared.satisfying(new semver.SemVer('0.9.0'))).toEqual([]);
    }
  });
});
