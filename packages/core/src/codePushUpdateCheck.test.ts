import {
  codePushUpdateInfo,
  decideCodePushUpdate,
  parseCodePushCheck,
  toSnakeCase,
  type CodePushCheckRequest,
} from './codePushUpdateCheck';
import { prepareCatalog } from './prepareCatalog';
import { catalogForCase, hashOf, type CaseRelease } from './testing';

const KEY = 'dep-key-0123456789';
const deployment = { app: 'demo', platform: 'android' as const, channel: 'staging' };
const prepared = (releases: CaseRelease[]) =>
  prepareCatalog(
    catalogForCase(
      { name: 'x', releases, request: { appVersion: '1.0.0' }, expected: { status: 'upToDate' } },
      deployment,
    ),
  );

function request(query: Record<string, string>): CodePushCheckRequest {
  const parsed = parseCodePushCheck({ deployment_key: KEY, ...query });
  if (parsed.kind !== 'ok') throw new Error(parsed.reasons.join('; '));
  return parsed.request;
}

const historyA: CaseRelease[] = [
  { range: '1.0.0', content: '100' },
  { range: '1.0.0', content: '101', mandatory: true },
  { range: '1.0.0', content: '102' },
];
const historyB: CaseRelease[] = [
  { range: '1.0.0', content: '100' },
  { range: '1.0.0', content: '101', mandatory: true },
  { range: '2.0.0', content: '202' },
  { range: '1.0.0', content: '103' },
  { range: '3.0.0', content: '304', mandatory: true },
  { range: '2.0.0', content: '205' },
  { range: '3.0.0', content: '306' },
];
const historyC: CaseRelease[] = [
  { range: '*', content: '100' },
  { range: '^1.0.0', content: '101', mandatory: true },
  { range: '>=1.1.0 <1.2.0', content: '103' },
];

describe('parseCodePushCheck', () => {
  it('reads either casing, trims the key and treats empty values as absent', () => {
    expect(
      parseCodePushCheck({
        deploymentKey: `\r\n${KEY}\r\n`,
        appVersion: '1.0.0',
        packageHash: '',
        label: '',
        clientUniqueId: 'd',
      }),
    ).toMatchObject({
      kind: 'ok',
      request: {
        deploymentKey: KEY,
        packageHash: undefined,
        label: undefined,
        clientUniqueId: 'd',
        isCompanion: false,
      },
    });
    expect(parseCodePushCheck({ deployment_key: KEY, app_version: '1.0', is_companion: 'TRUE' })).toMatchObject({
      kind: 'ok',
      request: { appVersionRaw: '1.0', isCompanion: true },
    });
  });

  it.each([
    [{ app_version: '1.0.0' }, 'valid deployment key'],
    [{ deployment_key: 'short', app_version: '1.0.0' }, 'valid deployment key'],
    [{ deployment_key: 'has:colon:in-it', app_version: '1.0.0' }, 'valid deployment key'],
    [{ deployment_key: KEY, app_version: 'one' }, 'conforms to the semver standard'],
    [{ deployment_key: KEY }, 'conforms to the semver standard'],
  ])('refuses %j', (query, message) => {
    expect(parseCodePushCheck(query)).toEqual({ kind: 'invalid', reasons: [expect.stringContaining(message)] });
  });
});

/** The MS worked examples (docs/protocols/codepush.md §7.2) with every field of the answer. */
describe('decideCodePushUpdate + codePushUpdateInfo', () => {
  const answer = (releases: CaseRelease[], query: Record<string, string>) => {
    const parsed = request(query);
    return codePushUpdateInfo(decideCodePushUpdate(prepared(releases), parsed), parsed, (key) => `https://cdn/${key}`);
  };

  it.each<[string, CaseRelease[], Record<string, string>, Partial<ReturnType<typeof answer>>]>([
    [
      'A: fresh 1.0.0',
      historyA,
      { app_version: '1.0.0' },
      {
        isAvailable: true,
        label: 'v3',
        isMandatory: true,
        appVersion: '1.0.0',
        target_binary_range: '1.0.0',
        packageSize: 102,
      },
    ],
    [
      'A: 1.0 echoed as sent',
      historyA,
      { app_version: '1.0' },
      { isAvailable: true, appVersion: '1.0', target_binary_range: '1.0' },
    ],
    [
      'A: 1.0+metadata echoed',
      historyA,
      { app_version: '1.0+metadata' },
      { isAvailable: true, appVersion: '1.0+metadata' },
    ],
    [
      'A: 1.0-prerelease',
      historyA,
      { app_version: '1.0-prerelease' },
      { isAvailable: false, updateAppVersion: true, shouldRunBinaryVersion: true, appVersion: '1.0.0' },
    ],
    [
      'A: on hash101',
      historyA,
      { app_version: '1.0.0', package_hash: hashOf('101') },
      { isAvailable: true, label: 'v3', isMandatory: false },
    ],
    [
      'A: on hash101 with label v2',
      historyA,
      { app_version: '1.0.0', package_hash: hashOf('101'), label: 'v2' },
      { isAvailable: true, isMandatory: false },
    ],
    [
      'A: unknown hash',
      historyA,
      { app_version: '1.0.0', package_hash: hashOf('009') },
      { isAvailable: true, isMandatory: true },
    ],
    [
      'A: unknown hash, label v1',
      historyA,
      { app_version: '1.0.0', package_hash: hashOf('009'), label: 'v1' },
      { isAvailable: true, isMandatory: true },
    ],
    [
      'A: 0.0.8',
      historyA,
      { app_version: '0.0.8', package_hash: hashOf('009') },
      { isAvailable: false, updateAppVersion: true, shouldRunBinaryVersion: true, appVersion: '1.0.0' },
    ],
    [
      'A: 2.0.0',
      historyA,
      { app_version: '2.0.0', package_hash: hashOf('009') },
      { isAvailable: false, updateAppVersion: false, shouldRunBinaryVersion: true, appVersion: '1.0.0' },
    ],
    [
      'A: 2.0.0 companion',
      historyA,
      { app_version: '2.0.0', package_hash: hashOf('009'), is_companion: 'true' },
      { isAvailable: true, label: 'v3', isMandatory: true, appVersion: '2.0.0' },
    ],
    ['B: fresh 1.0.0', historyB, { app_version: '1.0.0' }, { isAvailable: true, label: 'v4', isMandatory: true }],
    [
      'B: on h103',
      historyB,
      { app_version: '1.0.0', package_hash: hashOf('103') },
      { isAvailable: false, updateAppVersion: true, appVersion: '3.0.0' },
    ],
    [
      'B: 2.0.0 on h202',
      historyB,
      { app_version: '2.0.0', package_hash: hashOf('202') },
      { isAvailable: true, label: 'v6', isMandatory: false },
    ],
    [
      'B: 3.0.0 on h304',
      historyB,
      { app_version: '3.0.0', package_hash: hashOf('304') },
      { isAvailable: true, label: 'v7', isMandatory: false },
    ],
    [
      'B: 3.0.0 on h306, all fields empty',
      historyB,
      { app_version: '3.0.0', package_hash: hashOf('306') },
      {
        isAvailable: false,
        updateAppVersion: false,
        shouldRunBinaryVersion: false,
        appVersion: '',
        target_binary_range: '',
        downloadURL: '',
        packageHash: '',
        label: '',
        packageSize: 0,
      },
    ],
    ['C: 2.0.0', historyC, { app_version: '2.0.0' }, { isAvailable: true, label: 'v1', isMandatory: false }],
    ['C: 1.0.1', historyC, { app_version: '1.0.1' }, { isAvailable: true, label: 'v2', isMandatory: true }],
    [
      'C: 0.0.1 on h100',
      historyC,
      { app_version: '0.0.1', package_hash: hashOf('100') },
      { isAvailable: false, updateAppVersion: true, appVersion: '>=1.1.0 <1.2.0' },
    ],
    [
      'C: 3.0.0 on h100',
      historyC,
      { app_version: '3.0.0', package_hash: hashOf('100') },
      { isAvailable: false, updateAppVersion: false, appVersion: '>=1.1.0 <1.2.0' },
    ],
    [
      'C: 1.1.5 on h100',
      historyC,
      { app_version: '1.1.5', package_hash: hashOf('100') },
      { isAvailable: true, label: 'v3', isMandatory: true },
    ],
    [
      'empty history',
      [],
      { app_version: '1.0.0' },
      { isAvailable: false, appVersion: '', updateAppVersion: false, shouldRunBinaryVersion: true },
    ],
  ])('%s', (_name, releases, query, expected) => {
    expect(answer(releases, query)).toMatchObject(expected);
  });

  it('serves the diff keyed by the client package hash, the full package otherwise', () => {
    const catalog = catalogForCase(
      {
        name: 'd',
        releases: [
          { range: '1.x', content: 'a' },
          { range: '1.x', content: 'b' },
        ],
        request: { appVersion: '1.0.0' },
        expected: { status: 'upToDate' },
      },
      deployment,
    );
    catalog.releases[1] = {
      ...catalog.releases[1]!,
      diffs: { [hashOf('a')]: { contentKey: 'diffs/b/a.zip', size: 7 } },
    };
    const onA = request({ app_version: '1.0.0', package_hash: hashOf('a') });
    expect(codePushUpdateInfo(decideCodePushUpdate(prepareCatalog(catalog), onA), onA, (key) => key)).toMatchObject({
      downloadURL: 'diffs/b/a.zip',
      packageSize: 7,
      label: 'v2',
    });
    const fresh = request({ app_version: '1.0.0' });
    expect(codePushUpdateInfo(decideCodePushUpdate(prepareCatalog(catalog), fresh), fresh, (key) => key)).toMatchObject(
      { downloadURL: catalog.releases[1].contentKey, packageSize: 101 },
    );
  });

  it('snake-cases like microsoft/code-push-server', () => {
    expect(['downloadURL', 'isAvailable', 'shouldRunBinaryVersion', 'target_binary_range'].map(toSnakeCase)).toEqual([
      'download_url',
      'is_available',
      'should_run_binary_version',
      'target_binary_range',
    ]);
  });
});
