import { isPublicReadKey, metricsKeys, publicReadPrefixes, storageKeys } from './storageKeys';

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
