import { ConfigError } from '../errors';
import { createCredentialsSource } from './createCredentialsSource';
import { fcContext } from '../testing';
import { createFunctionRuntime } from '../fc/createFunctionRuntime';
import { STS_SIGNED_URL_MAX_SECONDS } from '../storage/createDownloadUrlBuilder';
import { createStoreFromConfig, describeSignedUrlCap, loadStorageConfig } from './loadStorageConfig';

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
      download: {
        mode: 'public',
        baseUrl: 'https://my-bundles.oss-cn-shanghai.aliyuncs.com',
        expiresSeconds: 86400,
        signer: undefined,
      },
    });
  });

  it('fails at start with a message naming a missing or malformed variable', () => {
    const attempt = (env: Record<string, string>) => () => loadStorageConfig(env);
    expect(attempt({})).toThrow(new ConfigError('HOTPATCH_OSS_BUCKET', 'is required but not set (an OSS bucket name)'));
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'Bad_Bucket' })).toThrow(
      /^HOTPATCH_OSS_BUCKET: malformed value "Bad_Bucket"/,
    );
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'ok-bucket', HOTPATCH_STORAGE: 's3' })).toThrow(
      /^HOTPATCH_STORAGE: expected one of oss, fs, memory, got "s3"/,
    );
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'ok-bucket', HOTPATCH_DOWNLOAD_URL_EXPIRES: '10' })).toThrow(
      /^HOTPATCH_DOWNLOAD_URL_EXPIRES: expected an integer ≥ 60/,
    );
    expect(attempt({ HOTPATCH_OSS_BUCKET: 'ok-bucket', HOTPATCH_OSS_ENDPOINT: 'ftp://x' })).toThrow(
      /^HOTPATCH_OSS_ENDPOINT: expected an http\(s\) URL/,
    );
    expect(attempt({ HOTPATCH_STORAGE: 'fs' })).toThrow(/^HOTPATCH_FS_DIR: is required/);
  });

  it('builds signed download URLs for a private bucket from the current credentials', () => {
    const config = loadStorageConfig({
      HOTPATCH_STORAGE: 'memory',
      HOTPATCH_DOWNLOAD_MODE: 'signed',
      HOTPATCH_DOWNLOAD_BASE_URL: 'https://cdn.example.com',
    });
    const store = createStoreFromConfig(
      config,
      createCredentialsSource({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
        ALIBABA_CLOUD_SECURITY_TOKEN: 'tok',
      }),
    );
    const url = new URL(store.downloadUrl('bundles/a.zip'));
    expect(url.origin + url.pathname).toBe('https://cdn.example.com/bundles/a.zip');
    expect(url.searchParams.get('OSSAccessKeyId')).toBe('id');
    expect(url.searchParams.get('security-token')).toBe('tok');
    // An STS token signed it: the URL cannot outlive the token, so it is capped (see below).
    expect(Number(url.searchParams.get('Expires'))).toBeLessThanOrEqual(Date.now() / 1000 + 3600);
  });

  it('refuses to run without any OSS credentials, naming the variables', () => {
    expect(() => createCredentialsSource({}).current()).toThrow(/ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });
});

describe('download URLs handed to devices', () => {
  const internal = {
    HOTPATCH_OSS_BUCKET: 'my-bundles',
    HOTPATCH_OSS_REGION: 'oss-cn-shanghai',
    HOTPATCH_OSS_ENDPOINT: 'http://oss-cn-shanghai-internal.aliyuncs.com',
  };
  const sts = createCredentialsSource({
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.id',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
    ALIBABA_CLOUD_SECURITY_TOKEN: 'tok',
  });
  const urlOf = (env: Record<string, string>, credentials = sts) =>
    new URL(
      createStoreFromConfig(loadStorageConfig({ ...env, HOTPATCH_STORAGE: 'memory' }), credentials).downloadUrl(
        'packages/abc/package.zip',
      ),
    );

  it('use the public endpoint of the region when functions read OSS over the internal one (public mode)', () => {
    const config = loadStorageConfig(internal);
    expect(config.endpoint).toBe('http://oss-cn-shanghai-internal.aliyuncs.com');
    expect(config.download.baseUrl).toBe('https://my-bundles.oss-cn-shanghai.aliyuncs.com');
    expect(urlOf(internal).href).toBe('https://my-bundles.oss-cn-shanghai.aliyuncs.com/packages/abc/package.zip');
  });

  it('use the public endpoint in signed mode too, signed for the bucket', () => {
    const url = urlOf({ ...internal, HOTPATCH_DOWNLOAD_MODE: 'signed' });
    expect(url.origin + url.pathname).toBe('https://my-bundles.oss-cn-shanghai.aliyuncs.com/packages/abc/package.zip');
    expect(url.searchParams.get('OSSAccessKeyId')).toBe('STS.id');
  });

  it('read the region from the internal endpoint itself, including the older vpc100 form', () => {
    expect(
      loadStorageConfig({
        HOTPATCH_OSS_BUCKET: 'b-1',
        HOTPATCH_OSS_ENDPOINT: 'https://oss-cn-beijing-internal.aliyuncs.com',
      }).download.baseUrl,
    ).toBe('https://b-1.oss-cn-beijing.aliyuncs.com');
    expect(
      loadStorageConfig({
        HOTPATCH_OSS_BUCKET: 'b-1',
        HOTPATCH_OSS_ENDPOINT: 'http://vpc100-oss-cn-hangzhou.aliyuncs.com',
      }).download.baseUrl,
    ).toBe('https://b-1.oss-cn-hangzhou.aliyuncs.com');
  });

  it('keep a public or local endpoint as it is', () => {
    expect(
      loadStorageConfig({ HOTPATCH_OSS_BUCKET: 'b-1', HOTPATCH_OSS_ENDPOINT: 'https://oss-cn-shanghai.aliyuncs.com' })
        .download.baseUrl,
    ).toBe('https://b-1.oss-cn-shanghai.aliyuncs.com');
    expect(
      loadStorageConfig({
        HOTPATCH_OSS_BUCKET: 'b-1',
        HOTPATCH_OSS_ENDPOINT: 'http://127.0.0.1:3001',
        HOTPATCH_OSS_PATH_STYLE: 'true',
      }).download.baseUrl,
    ).toBe('http://127.0.0.1:3001/b-1');
  });

  it('use a custom base URL (a CDN) in public and signed mode', () => {
    expect(urlOf({ ...internal, HOTPATCH_DOWNLOAD_BASE_URL: 'https://cdn.example.com/' }).href).toBe(
      'https://cdn.example.com/packages/abc/package.zip',
    );
    const signed = urlOf({
      ...internal,
      HOTPATCH_DOWNLOAD_MODE: 'signed',
      HOTPATCH_DOWNLOAD_BASE_URL: 'https://cdn.example.com',
    });
    expect(signed.origin + signed.pathname).toBe('https://cdn.example.com/packages/abc/package.zip');
    expect(signed.searchParams.get('Signature')).toBeTruthy();
  });

  it('refuse a base URL on an internal endpoint, naming the variable', () => {
    expect(() =>
      loadStorageConfig({
        ...internal,
        HOTPATCH_DOWNLOAD_BASE_URL: 'https://my-bundles.oss-cn-shanghai-internal.aliyuncs.com',
      }),
    ).toThrow(/^HOTPATCH_DOWNLOAD_BASE_URL: points at an internal OSS endpoint/);
  });
});

describe('signed download URL lifetime', () => {
  const env = {
    HOTPATCH_STORAGE: 'memory',
    HOTPATCH_DOWNLOAD_MODE: 'signed',
    HOTPATCH_DOWNLOAD_BASE_URL: 'https://my-bundles.oss-cn-shanghai.aliyuncs.com',
  };
  const expiresOf = (url: string) => Number(new URL(url).searchParams.get('Expires'));
  const nowSeconds = () => Date.now() / 1000;

  it('is capped at STS_SIGNED_URL_MAX_SECONDS when signed with STS credentials of unknown expiry, and says so', () => {
    const config = loadStorageConfig(env);
    const sts = createCredentialsSource({});
    sts.update(fcContext());
    const expires = expiresOf(createStoreFromConfig(config, sts).downloadUrl('packages/a.zip'));
    expect(expires).toBeLessThanOrEqual(nowSeconds() + STS_SIGNED_URL_MAX_SECONDS);
    expect(expires).toBeGreaterThan(nowSeconds() + STS_SIGNED_URL_MAX_SECONDS - 120);
    expect(describeSignedUrlCap(config)).toMatch(
      /HOTPATCH_DOWNLOAD_URL_EXPIRES is 86400 s.*at most 3600 s.*HOTPATCH_DOWNLOAD_SIGNER_KEY_ID/,
    );
  });

  it('ends no later than the STS token when FC says when it expires', () => {
    const sts = createCredentialsSource({});
    const expiration = new Date(Date.now() + 20 * 60_000).toISOString();
    sts.update(
      fcContext({ credentials: { accessKeyId: 'STS.a', accessKeySecret: 's', securityToken: 't', expiration } }),
    );
    const expires = expiresOf(createStoreFromConfig(loadStorageConfig(env), sts).downloadUrl('packages/a.zip'));
    expect(expires).toBeLessThanOrEqual(Date.parse(expiration) / 1000);
    expect(expires).toBeGreaterThan(Date.parse(expiration) / 1000 - 120);
  });

  it('is HOTPATCH_DOWNLOAD_URL_EXPIRES in full with dedicated signer keys, which sign instead of the role', () => {
    const config = loadStorageConfig({
      ...env,
      HOTPATCH_DOWNLOAD_SIGNER_KEY_ID: 'LTAIsigner',
      HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: 'signer-secret',
    });
    const sts = createCredentialsSource({});
    sts.update(fcContext());
    const url = new URL(createStoreFromConfig(config, sts).downloadUrl('packages/a.zip'));
    expect(url.searchParams.get('OSSAccessKeyId')).toBe('LTAIsigner');
    expect(url.searchParams.has('security-token')).toBe(false);
    expect(Number(url.searchParams.get('Expires'))).toBeGreaterThanOrEqual(nowSeconds() + 86_400 - 1);
    expect(describeSignedUrlCap(config)).toBeUndefined();
  });

  it('is not capped when the requested lifetime fits, nor in public mode', () => {
    expect(describeSignedUrlCap(loadStorageConfig({ ...env, HOTPATCH_DOWNLOAD_URL_EXPIRES: '3600' }))).toBeUndefined();
    expect(describeSignedUrlCap(loadStorageConfig({ HOTPATCH_STORAGE: 'memory' }))).toBeUndefined();
  });

  it('needs both signer variables, naming the missing one and never the secret', () => {
    expect(() => loadStorageConfig({ ...env, HOTPATCH_DOWNLOAD_SIGNER_KEY_ID: 'LTAIsigner' })).toThrow(
      /^HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: is required/,
    );
    expect(() => loadStorageConfig({ ...env, HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: 'signer-secret' })).toThrow(
      /^HOTPATCH_DOWNLOAD_SIGNER_KEY_ID: is required when HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET is set$/,
    );
  });

  it('is announced once in the function log when the store is built', () => {
    const lines: string[] = [];
    const runtime = createFunctionRuntime(
      'getLatestBundle',
      { ...env, HOTPATCH_LOG_LEVEL: 'info' },
      { writeLog: (line) => lines.push(line) },
    );
    runtime.store();
    runtime.store();
    const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/at most 3600 s/);
  });
});
