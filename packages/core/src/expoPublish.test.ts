import { buildExpoUpdate, expoContentType, hexToBase64Url, parseExpoAppConfig, parseExpoMetadata } from './expoPublish';
import { runtimeVersionProblem } from './identifierRules';
import { parseReleaseRequest, releaseRequestToMetadata } from './releaseMetadata';
import { applyLogEntries, emptyCatalog, planRelease, type Catalog, type ReleaseCandidate } from './releaseLog';
import { historyPage, planEmbeddedRollback, planPromote, planRollback } from './releaseManagement';

const at = '2026-12-01T00:00:00.000Z';
const staging = { app: 'demo', platform: 'ios' as const, channel: 'staging' };
const production = { ...staging, channel: 'production' };
const sha = (digit: string): string => digit.repeat(64);
const id = (digit: string): string => `${digit.repeat(8)}-aaaa-4aaa-8aaa-${digit.repeat(12)}`;

function expoCandidate(launch: string, runtimeVersion = '1.0.0', assets = ['e']): ReleaseCandidate {
  const expo = buildExpoUpdate({
    id: id(launch),
    runtimeVersion,
    launch: { path: `_expo/static/js/ios/index-${launch}.hbc`, sha256: sha(launch), size: 10 },
    assets: assets.map((digit) => ({ path: `assets/${digit}`, sha256: sha(digit), size: 3, ext: 'png' })),
  });
  return {
    packageHash: sha(launch),
    archiveSha256: sha(launch),
    contentKey: expo.launchAsset.contentKey,
    contentKind: 'bundle',
    manifestKey: undefined,
    size: 13,
    bundlePath: `_expo/static/js/ios/index-${launch}.hbc`,
    targetBinaryRange: '',
    description: '',
    mandatory: false,
    rollout: 100,
    disabled: false,
    signed: false,
    uploadId: undefined,
    expo,
  };
}

function released(catalog: Catalog, ...candidates: ReleaseCandidate[]): Catalog {
  return candidates.reduce((state, candidate) => {
    const plan = planRelease(state, candidate, at, 'test');
    if (plan.kind !== 'append') throw new Error(`expected append, got ${plan.kind}`);
    return applyLogEntries(state, [plan.entry]);
  }, catalog);
}

describe('reading an Expo export', () => {
  const good = {
    version: 0,
    bundler: 'metro',
    fileMetadata: {
      ios: { bundle: '_expo/static/js/ios/index-1.hbc', assets: [{ path: 'assets/abc', ext: 'png' }] },
      web: { bundle: 'anything', assets: [] },
    },
  };

  it('reads each native platform and ignores web', () => {
    expect(parseExpoMetadata(good)).toEqual({ kind: 'ok', metadata: { ios: good.fileMetadata.ios } });
  });

  it.each([
    [[], 'metadata.json must hold a JSON object'],
    [{ ...good, bundler: 'webpack' }, 'metadata.json "bundler" is "webpack", expected "metro"'],
    [{ version: 0, bundler: 'metro' }, 'metadata.json has no "fileMetadata" object'],
    [{ ...good, fileMetadata: {} }, 'lists no ios or android export'],
    [
      { ...good, fileMetadata: { ios: { bundle: '/etc/passwd', assets: [] } } },
      'fileMetadata.ios.bundle "/etc/passwd" is not a relative path inside the export',
    ],
    [
      { ...good, fileMetadata: { android: { bundle: 'a.js', assets: [{ path: 'assets/../../x', ext: 'png' }] } } },
      'fileMetadata.android.assets[0].path "assets/../../x" leaves the export',
    ],
    [
      { ...good, fileMetadata: { android: { bundle: 'a.js', assets: [{ path: 'assets/x', ext: '../png' }] } } },
      'fileMetadata.android.assets[0].ext must be a file extension',
    ],
  ])('refuses %j', (json, reason) => {
    expect(parseExpoMetadata(json)).toEqual({ kind: 'invalid', reasons: [expect.stringContaining(reason)] });
  });

  it('takes the app config from its expo object', () => {
    expect(parseExpoAppConfig({ expo: { name: 'a' } })).toEqual({ kind: 'ok', expo: { name: 'a' } });
    expect(parseExpoAppConfig({ name: 'a' }).kind).toBe('invalid');
  });

  it('maps extensions to one content type each', () => {
    expect([expoContentType('png'), expoContentType('.TTF'), expoContentType('hbc'), expoContentType('xyz')]).toEqual([
      'image/png',
      'font/ttf',
      'application/javascript',
      'application/octet-stream',
    ]);
  });

  it('writes the manifest hash as unpadded base64url (the spec vectors)', () => {
    expect(hexToBase64Url('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(
      '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU',
    );
    expect(hexToBase64Url('ff')).toBe('_w');
  });

  it('checks runtime versions as exact printable strings', () => {
    expect(runtimeVersionProblem('1.0.0')).toBeUndefined();
    expect(runtimeVersionProblem('exposdk:52.0.0')).toBeUndefined();
    expect(runtimeVersionProblem(' 1')).toContain('printable ASCII');
    expect(runtimeVersionProblem('1 ')).toContain('without leading or trailing spaces');
    expect(runtimeVersionProblem('x'.repeat(256))).toContain('1-255');
    expect(runtimeVersionProblem('')).toBe('runtime version is missing');
  });

  it('reads an Expo release request: a runtime version, never also a target range', () => {
    const parsed = parseReleaseRequest({ 'runtime-version': '1.0.0' }, undefined, 'expo');
    expect(parsed).toMatchObject({ kind: 'ok', request: { runtimeVersion: '1.0.0', targetBinaryRange: '' } });
    if (parsed.kind === 'ok')
      expect(releaseRequestToMetadata(parsed.request)).toMatchObject({ 'runtime-version': '1.0.0' });
    expect(parseReleaseRequest({ 'runtime-version': '1', target: '1.x' }, undefined)).toEqual({
      kind: 'invalid',
      reasons: [expect.stringContaining('x-oss-meta-target does not apply to an Expo update')],
    });
    expect(parseReleaseRequest({}, undefined, 'expo')).toEqual({
      kind: 'invalid',
      reasons: [expect.stringContaining('an Expo export needs its runtime version')],
    });
  });

  it('builds the update: lowercase id, launch asset as JavaScript, assets once each', () => {
    const update = buildExpoUpdate({
      id: id('A'),
      runtimeVersion: '1',
      launch: { path: '_expo/static/js/android/index-f00.hbc', sha256: sha('a'), size: 5 },
      assets: [
        { path: 'assets/d41d', sha256: sha('b'), size: 2, ext: 'ttf' },
        { path: 'assets/d41d', sha256: sha('b'), size: 2, ext: 'ttf' },
      ],
      expoClient: { name: 'x' },
    });
    expect(update).toEqual({
      id: id('a'),
      runtimeVersion: '1',
      launchAsset: {
        contentKey: `assets/${sha('a')}`,
        hash: hexToBase64Url(sha('a')),
        key: 'index-f00',
        contentType: 'application/javascript',
        fileExtension: '.hbc',
        size: 5,
      },
      assets: [
        {
          contentKey: `assets/${sha('b')}`,
          hash: hexToBase64Url(sha('b')),
          key: 'd41d',
          contentType: 'font/ttf',
          fileExtension: '.ttf',
          size: 2,
        },
      ],
      metadata: {},
      extra: { expoClient: { name: 'x' } },
    });
  });
});

describe('planning Expo releases', () => {
  it('refuses identical content for the same runtime version only, whatever the ids', () => {
    const catalog = released(emptyCatalog(staging), expoCandidate('1'));
    const again = { ...expoCandidate('1'), expo: { ...expoCandidate('1').expo!, id: id('9') } };
    expect(planRelease(catalog, again, at, 'test')).toMatchObject({ kind: 'identical', release: { label: 'v1' } });
    expect(planRelease(catalog, expoCandidate('1', '2.0.0'), at, 'test').kind).toBe('append');
    expect(planRelease(catalog, expoCandidate('1', '1.0.0', ['e', 'f']), at, 'test').kind).toBe('append');
  });

  it('promotes under the fresh id given, keeping the runtime version; refuses the same content twice', () => {
    const source = released(emptyCatalog(staging), expoCandidate('1'));
    const plan = planPromote(source, emptyCatalog(production), { overrides: {}, at, by: 'k', newExpoId: id('B') });
    if (plan.kind !== 'append' || plan.entry.type !== 'release') throw new Error('expected a release entry');
    expect(plan.entry.release.expo).toEqual({ ...source.releases[0]!.expo, id: id('b') });
    const target = applyLogEntries(emptyCatalog(production), [plan.entry]);
    expect(planPromote(source, target, { overrides: {}, at, by: 'k', newExpoId: id('c') })).toEqual({
      kind: 'conflict',
      reasons: ['production already has this content as v1 for runtime version 1.0.0'],
    });
    expect(
      planPromote(source, emptyCatalog(production), {
        overrides: { targetBinaryRange: '1.x' },
        at,
        by: 'k',
        newExpoId: id('c'),
      }).kind,
    ).toBe('invalid');
  });

  it('rolls back only to an Expo release of the same runtime version (by default the newest earlier one)', () => {
    const catalog = released(
      emptyCatalog(staging),
      expoCandidate('1'),
      expoCandidate('2', '2.0.0'),
      expoCandidate('3'),
    );
    const plan = planRollback(catalog, { at, by: 'k', newExpoId: id('d') });
    if (plan.kind !== 'append' || plan.entry.type !== 'release') throw new Error('expected a release entry');
    expect(plan.entry.release.origin).toEqual({ kind: 'rollback', channel: 'staging', label: 'v1' });
    expect(plan.entry.release.expo).toEqual({ ...catalog.releases[0]!.expo, id: id('d') });
    expect(planRollback(catalog, { label: 'v2', at, by: 'k', newExpoId: id('d') })).toEqual({
      kind: 'conflict',
      reasons: [
        expect.stringContaining('an Expo update rolls back only to an Expo update of the same runtime version'),
      ],
    });
  });

  it('rolls back to the embedded bundle once per newest release, and pages it into history', () => {
    const catalog = released(emptyCatalog(staging), expoCandidate('1'));
    expect(planEmbeddedRollback(emptyCatalog(staging), { at, by: 'k' })).toMatchObject({ kind: 'notFound' });
    expect(planEmbeddedRollback(catalog, { runtimeVersion: '2.0.0', at, by: 'k' })).toMatchObject({
      kind: 'notFound',
    });
    const plan = planEmbeddedRollback(catalog, { runtimeVersion: '1.0.0', at, by: 'k' });
    if (plan.kind !== 'append') throw new Error('expected append');
    expect(plan.entry).toEqual({ seq: 2, at, by: 'k', type: 'embeddedRollback', runtimeVersion: '1.0.0' });
    const rolledBack = applyLogEntries(catalog, [plan.entry]);
    expect(planEmbeddedRollback(rolledBack, { runtimeVersion: '1.0.0', at, by: 'k' })).toMatchObject({
      kind: 'conflict',
    });
    const later = released(rolledBack, expoCandidate('2'));
    expect(planEmbeddedRollback(later, { runtimeVersion: '1.0.0', at, by: 'k' }).kind).toBe('append');
    expect(historyPage(later, 1, undefined)).toMatchObject({ releases: [{ label: 'v2' }], embeddedRollbacks: [] });
    expect(historyPage(later, 1, 3)).toMatchObject({
      releases: [{ label: 'v1' }],
      embeddedRollbacks: [{ seq: 2, runtimeVersion: '1.0.0' }],
    });
  });
});
