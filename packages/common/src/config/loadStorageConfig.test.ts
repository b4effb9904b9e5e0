import { ConfigError } from '../errors';
import { createCredentialsSource } from './createCredentialsSource';
import { createStoreFromConfig, loadStorageConfig } from './loadStorageConfig';

describe('loadStorageConfig', () => {
  it('defaults to OSS with public download URLs on the bucket', () => {
    expect(loadStorageConfig({ HOTPATCH_OSS_BUCKET: 'my-bundles', HOTPATCH_OSS_REGION: 'oss-cn-shanghai' })).toEqual({
      kind: 'oss',
      bucket: 'my-bundles',
      region: 'oss-cn-shanghai',
      endpoint: undefined,
      pathStyle: false,
      ossClient: 'http',
      directory: undefined,
      download: { mode: 'public', baseUrl: 'https://my-bundles.oss-cn-shanghai.aliyuncs.com', expiresSeconds: 86400 },
    });
  });

  it('fails at start with a message naming a missing or malformed variable', () => {
    const attempt = (env: Record<string, string>) => () => loadStorageConfig(env);
    expect(attempt({})).toThrow(new ConfigError('HOTPATCH_OSS_BUCKET', 'is required but not set (an OSS bucket name)'));
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'Bad_Bucket' })).toThrow(/^HOTPATCH_OSS_BUCKET: malformed value "Bad_Bucket"/);
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'ok-bucket', HOTPATCH_STORAGE: 's3' })).toThrow(/^HOTPATCH_STORAGE: expected one of oss, fs, memory, got "s3"/);
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'ok-bucket', HOTPATCH_DOWNLOAD_URL_EXPIRES: '10' })).toThrow(/^HOTPATCH_DOWNLOAD_URL_EXPIRES: expected an integer ≥ 60/);
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'ok-bucket', HOTPATCH_OSS_ENDPOINT: 'ftp://x' })).toThrow(/^HOTPATCH_OSS_ENDPOINT: expected an http\(s\) URL/);
    expect(attempt({ HOTPATCH_STORAGE: 'fs' })).toThrow(/^HOTPATCH_FS_DIR: is required/);
  });

  it('builds signed download URLs for a private bucket from the current credentials', () => {
    const config = loadStorageConfig({ HOTPATCH_STORAGE: 'memory', HOTPATCH_DOWNLOAD_MODE: 'signed', HOTPATCH_DOWNLOAD_BASE_URL: 'https://cdn.example.com' });
    const store = createStoreFromConfig(config, createCredentialsSource({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret', ALIBABA_CLOUD_SECURITY_TOKEN: 'tok' }));
    const url = new URL(store.downloadUrl('bundles/a.zip'));
    expect(url.origin + url.pathname).toBe('https://cdn.example.com/bundles/a.zip');
    expect(url.searchParams.get('OSSAccessKeyId')).toBe('id');
    expect(url.searchParams.get('security-token')).toBe('tok');
    expect(Number(url.searchParams.get('Expires'))).toBeGreaterThan(Date.now() / 1000 + 86_000);
  });

  it('refuses to run without any OSS credentials, naming the variables', () => {
    expect(() => createCredentialsSource({}).current()).toThrow(/ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });
});
