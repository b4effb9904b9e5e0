import { ConfigError } from '@hotpatch/common';
import { loadCheckConfig } from './loadCheckConfig';

describe('loadCheckConfig', () => {
  it('defaults: 10 s TTL, 2.5 s storage timeout, 300 s stale-if-error, no Expo key-encryption key, 60 s signal flush', () => {
    expect(loadCheckConfig({})).toEqual({
      catalogTtlMs: 10_000,
      storageTimeoutMs: 2500,
      staleIfErrorMs: 300_000,
      expoKeyEncryptionKeys: [],
      signalFlushSeconds: 60,
    });
  });

  it('reads each setting', () => {
    expect(
      loadCheckConfig({
        HOTPATCH_CATALOG_TTL_SECONDS: '0',
        HOTPATCH_CHECK_STORAGE_TIMEOUT_MS: '800',
        HOTPATCH_STALE_IF_ERROR_SECONDS: '0',
        HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        HOTPATCH_TIMER_SECONDS: '5',
      }),
    ).toEqual({
      catalogTtlMs: 0,
      storageTimeoutMs: 800,
      staleIfErrorMs: 0,
      expoKeyEncryptionKeys: [Buffer.alloc(32, 7)],
      signalFlushSeconds: 5,
    });
  });

  it.each([
    ['HOTPATCH_CHECK_STORAGE_TIMEOUT_MS', '0'],
    ['HOTPATCH_CHECK_STORAGE_TIMEOUT_MS', '60000'],
    ['HOTPATCH_CHECK_STORAGE_TIMEOUT_MS', '2.5s'],
    ['HOTPATCH_STALE_IF_ERROR_SECONDS', '-1'],
    ['HOTPATCH_STALE_IF_ERROR_SECONDS', '86400'],
    ['HOTPATCH_TIMER_SECONDS', '0'],
  ])('refuses %s=%s, naming it', (variable, value) => {
    expect(() => loadCheckConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadCheckConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: expected an integer`));
  });
});
