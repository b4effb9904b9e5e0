import {
  isPublicReadKey,
  metricsKeys,
  OWNED_PREFIXES,
  publicReadPrefixes,
  storageKeys,
  uploadPrefixProblem,
} from './storageKeys';

const deployment = { app: 'demo', platform: 'ios', channel: 'production' } as const;

describe('publicReadPrefixes', () => {
  it('makes package content and diff packages public, and nothing that holds private state', () => {
    expect(isPublicReadKey(storageKeys.packageContent('ab12', 'bundle.zip'))).toBe(true);
    expect(isPublicReadKey(storageKeys.packageManifest('ab12'))).toBe(true);
    expect(isPublicReadKey('diffs/ab12/cd34.zip')).toBe(true);
    const privateKeys = [
      storageKeys.app('demo'),
      storageKeys.deploymentKey('dk-secret'),
      storageKeys.catalog(deployment),
      storageKeys.logEntry(deployment, 1),
      storageKeys.uploadStatus('demo/ios/x.zip', 'ETAG'),
      metricsKeys.report(deployment, new Date(0), 'ff'),
      storageKeys.nonce('app-key', 'nonce-1'),
      storageKeys.expoSigningKey('demo'),
      'uploads/demo/ios/x.zip',
    ];
    for (const key of privateKeys) expect([key, isPublicReadKey(key)]).toEqual([key, false]);
  });

  it('never treats a key with a "." or ".." segment as public', () => {
    expect(isPublicReadKey('packages/../apps/demo.json')).toBe(false);
    expect(isPublicReadKey('diffs/./x')).toBe(false);
  });

  it('is a frozen list of folder prefixes', () => {
    expect(Object.isFrozen(publicReadPrefixes)).toBe(true);
    for (const prefix of publicReadPrefixes) expect(prefix).toMatch(/^[a-z-]+\/$/);
  });
});

describe('uploadPrefixProblem', () => {
  it('accepts the default and other prefixes clear of what hotpatch owns', () => {
    for (const prefix of ['uploads/', 'inbox/', 'team/uploads/', 'packages-inbox/'])
      expect(uploadPrefixProblem(prefix)).toBeUndefined();
  });

  it('refuses a prefix under or containing a hotpatch-owned prefix, naming it (gc would delete logs or records)', () => {
    expect(uploadPrefixProblem('logs/')).toMatch(/overlaps logs\//);
    expect(uploadPrefixProblem('apps/')).toMatch(/overlaps apps\//);
    expect(uploadPrefixProblem('catalogs/x/')).toMatch(/overlaps catalogs\//);
    expect(uploadPrefixProblem('keys/uploads/')).toMatch(/overlaps keys\//);
    for (const prefix of OWNED_PREFIXES) expect(uploadPrefixProblem(prefix)).toContain(prefix);
  });

  it('refuses what is not key segments ending in /', () => {
    for (const prefix of ['uploads', '/uploads/', '../x/', 'a//b/', ''])
      expect(uploadPrefixProblem(prefix)).toMatch(/must be key segments ending in \//);
  });

  it('lists every prefix a key built here starts with', () => {
    const keys = [
      storageKeys.app('a'),
      storageKeys.deploymentKey('k'),
      storageKeys.packageContent('h', 'f'),
      storageKeys.diffPackage('h', 'f'),
      storageKeys.expoAsset('h'),
      storageKeys.binaryPatch('h', 'b'),
      storageKeys.buildBundle('h'),
      storageKeys.build('a', 'ios', 'b'),
      storageKeys.logEntry(deployment, 1),
      storageKeys.catalog(deployment),
      storageKeys.uploadStatus('a/ios/x', 'e'),
      storageKeys.nonce('k', 'n'),
      storageKeys.expoSigningKey('a'),
      metricsKeys.report(deployment, new Date(0), 'u'),
      metricsKeys.foldGeneration(deployment, 1),
      metricsKeys.archivedReport('metrics/a/ios/c/r.json'),
    ];
    for (const key of keys) expect(OWNED_PREFIXES.some((prefix) => key.startsWith(prefix))).toBe(true);
  });
});
