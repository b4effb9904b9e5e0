import { loadPublishConfig } from './loadPublishConfig';

const APP_KEYS = 'ci-key:ci-secret-at-least-16';

describe('publishBundle knows the check path delay it reports (HOTPATCH_CATALOG_TTL_SECONDS)', () => {
  it('reads the same setting, default and bounds as getLatestBundle', () => {
    expect(loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS }).catalogTtlSeconds).toBe(10);
    expect(
      loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS, HOTPATCH_CATALOG_TTL_SECONDS: '0' }).catalogTtlSeconds,
    ).toBe(0);
    expect(() => loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS, HOTPATCH_CATALOG_TTL_SECONDS: '3601' })).toThrow(
      /^HOTPATCH_CATALOG_TTL_SECONDS: expected an integer/,
    );
  });

  it('reads the one upload prefix setting, validated as uploadBundle validates it', () => {
    expect(loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS }).uploadPrefix).toBe('uploads/');
    expect(loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS, HOTPATCH_UPLOAD_PREFIX: 'inbox/' }).uploadPrefix).toBe(
      'inbox/',
    );
    expect(() => loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS, HOTPATCH_UPLOAD_PREFIX: '../x/' })).toThrow(
      /^HOTPATCH_UPLOAD_PREFIX: upload prefix "\.\.\/x\/" must be key segments ending in \//,
    );
    expect(() => loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS, HOTPATCH_UPLOAD_PREFIX: 'logs/' })).toThrow(
      /^HOTPATCH_UPLOAD_PREFIX: upload prefix "logs\/" overlaps logs\//,
    );
  });
});
