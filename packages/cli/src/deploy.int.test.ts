import OSS from 'ali-oss';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { publicReadPrefixes } from '@hotpatch/core';
import { startTestOssServer, TEST_BUCKET, TEST_PUBLIC_BUCKET, type TestOssServer } from '@hotpatch/local/testing';
import { EXIT, runCli } from './runCli';
import { startFakeFc, type FakeFc } from './testing/startFakeFc';

/** The object ARNs anonymous reads are granted on: one per content prefix (`publicReadPrefixes`, core), nothing else. */
const contentArns = (account: string, bucket: string): string[] =>
  publicReadPrefixes.map((prefix) => `acs:oss:*:${account}:${bucket}/${prefix}*`);

const KEY = { accessKeyId: 'LTAI-deploy-test', accessKeySecret: 'deploy-secret' };
let fc: FakeFc;
let oss: TestOssServer;
let artifacts: string;
let home: string;

beforeEach(async () => {
  fc = await startFakeFc(KEY);
  oss = await startTestOssServer({ credentials: [KEY] });
  const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-deploy-'));
  artifacts = path.join(work, 'artifacts');
  home = path.join(work, 'home');
  mkdirSync(artifacts);
  mkdirSync(home);
  for (const name of ['uploadBundle', 'getLatestBundle', 'publishBundle'])
    writeFileSync(path.join(artifacts, `${name}.zip`), `zip of ${name}`);
});

afterEach(async () => {
  await fc.close();
  await oss.close();
});

async function deploy(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return deployWith({}, ...extra);
}

/** `hotpatch deploy` with extra variables in its environment (variables, not flags, are where secrets belong). */
async function deployWith(
  extraEnv: Record<string, string>,
  ...extra: string[]
): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  let stdout = '';
  let stderr = '';
  const env = {
    HOME: home,
    ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret,
    ALIBABA_CLOUD_ACCOUNT_ID: '1234567890',
    ALIBABA_CLOUD_DEFAULT_REGION: 'cn-shanghai',
    ...extraEnv,
  };
  const json = !extra.includes('--human');
  const code = await runCli(
    [
      'deploy',
      '--bucket',
      TEST_BUCKET,
      '--oss-endpoint',
      oss.url,
      '--app-keys',
      'ci-key:ci-secret-0123456789',
      '--role',
      'acs:ram::1234567890:role/hotpatch-fc',
      '--log-project',
      'hotpatch',
      '--log-store',
      'functions',
      '--artifacts',
      artifacts,
      '--fc-endpoint',
      fc.url,
      ...(json ? ['--json'] : []),
      ...extra.filter((argument) => argument !== '--human'),
    ],
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
    },
  );
  return { code, stdout, stderr, json: json && stdout ? JSON.parse(stdout) : undefined };
}

/** The bucket policy as the OSS server holds it (read with a signed GetBucketPolicy). */
async function policyOf(bucket: string): Promise<unknown> {
  const client = new OSS({
    endpoint: oss.url,
    region: 'oss-cn-hangzhou',
    accessKeyId: KEY.accessKeyId,
    accessKeySecret: KEY.accessKeySecret,
  });
  const result = await client.getBucketPolicy(bucket);
  return result.res.status === 404 ? undefined : result.policy;
}

const mutating = () => fc.calls.filter((call) => call.method !== 'GET');

describe('hotpatch deploy (the real @alicloud/fc2 client against a recording FC API)', () => {
  it('prints the plan with --dry-run and changes nothing', async () => {
    const planned = await deploy('--dry-run');
    expect(planned.code).toBe(0);
    expect(
      planned.json.actions.map((action: { action: string; resource: string }) => `${action.action} ${action.resource}`),
    ).toEqual([
      'create service hotpatch',
      'create function uploadBundle',
      'create function getLatestBundle',
      'create function publishBundle',
      'create trigger uploadBundle/oss-upload',
      'create trigger getLatestBundle/http',
      'create trigger publishBundle/http',
      'create trigger publishBundle/fold-timer',
      `create bucket policy oss://${TEST_BUCKET}`,
    ]);
    expect(mutating()).toEqual([]);
    expect(planned.json.bucketPolicy).toEqual({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Principal: ['*'],
          Action: ['oss:GetObject'],
          Resource: contentArns('1234567890', TEST_BUCKET),
        },
      ],
    });
    expect(await policyOf(TEST_BUCKET)).toBeUndefined();
  });

  it('creates the service, the three functions with their code and environment, and the triggers', async () => {
    expect((await deploy()).code).toBe(0);
    expect(mutating().map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /services',
      'POST /services/hotpatch/functions',
      'POST /services/hotpatch/functions',
      'POST /services/hotpatch/functions',
      'POST /services/hotpatch/functions/uploadBundle/triggers',
      'POST /services/hotpatch/functions/getLatestBundle/triggers',
      'POST /services/hotpatch/functions/publishBundle/triggers',
      'POST /services/hotpatch/functions/publishBundle/triggers',
    ]);
    expect(fc.resources.get('/services/hotpatch/functions/publishBundle/triggers/fold-timer')).toMatchObject({
      triggerType: 'timer',
      triggerConfig: { cronExpression: '@every 1m', enable: true },
    });
    expect(fc.resources.get('/services/hotpatch')).toMatchObject({
      role: 'acs:ram::1234567890:role/hotpatch-fc',
      logConfig: { project: 'hotpatch', logstore: 'functions' },
    });
    const fn = fc.resources.get('/services/hotpatch/functions/getLatestBundle')!;
    expect(fn).toMatchObject({
      runtime: 'nodejs20',
      handler: 'index.handler',
      environmentVariables: {
        HOTPATCH_OSS_BUCKET: TEST_BUCKET,
        HOTPATCH_OSS_ENDPOINT: 'https://oss-cn-shanghai-internal.aliyuncs.com',
      },
      codeSize: 'zip of getLatestBundle'.length,
    });
    expect(fc.resources.get('/services/hotpatch/functions/publishBundle')!.environmentVariables).toMatchObject({
      HOTPATCH_APP_KEYS: 'ci-key:ci-secret-0123456789',
    });
    expect(fc.resources.get('/services/hotpatch/functions/uploadBundle/triggers/oss-upload')).toMatchObject({
      triggerType: 'oss',
      sourceArn: `acs:oss:cn-shanghai:1234567890:${TEST_BUCKET}`,
      invocationRole: 'acs:ram::1234567890:role/AliyunOSSEventNotificationRole',
      triggerConfig: {
        events: expect.arrayContaining(['oss:ObjectCreated:PutObject', 'oss:ObjectCreated:CompleteMultipartUpload']),
        filter: { key: { prefix: 'uploads/', suffix: '' } },
      },
    });
  });

  it('sets instance concurrency and memory per function: getLatestBundle 100 (or --check-concurrency), publishBundle 10, uploadBundle 1', async () => {
    expect((await deploy()).code).toBe(0);
    const sizing = (name: string) => {
      const fn = fc.resources.get(`/services/hotpatch/functions/${name}`)!;
      return { memorySize: fn.memorySize, timeout: fn.timeout, instanceConcurrency: fn.instanceConcurrency };
    };
    expect(sizing('getLatestBundle')).toEqual({ memorySize: 256, timeout: 10, instanceConcurrency: 100 });
    expect(sizing('publishBundle')).toEqual({ memorySize: 512, timeout: 120, instanceConcurrency: 10 });
    expect(sizing('uploadBundle')).toEqual({ memorySize: 1024, timeout: 300, instanceConcurrency: 1 });

    fc.calls.length = 0;
    const changed = await deploy('--check-concurrency', '40');
    expect(changed.json.actions).toContainEqual({
      resource: 'function getLatestBundle',
      action: 'update',
      changes: ['instanceConcurrency'],
    });
    // Only the setting changes: the same code is not sent again.
    expect(
      mutating().map((call) => [call.method, call.path, call.body?.instanceConcurrency, 'code' in (call.body ?? {})]),
    ).toEqual([['PUT', '/services/hotpatch/functions/getLatestBundle', 40, false]]);
    expect(sizing('getLatestBundle').instanceConcurrency).toBe(40);

    for (const bad of ['0', '201', '1.5', 'many']) {
      const refused = await deploy('--check-concurrency', bad, '--dry-run');
      expect(refused.code).toBe(EXIT.usage);
      expect(refused.stderr).toBe(`hotpatch: --check-concurrency "${bad}" must be a whole number from 1 to 200\n`);
    }
  });

  it('changes nothing on a second run', async () => {
    await deploy();
    fc.calls.length = 0;
    const again = await deploy();
    expect(again.json.actions.every((action: { action: string }) => action.action === 'unchanged')).toBe(true);
    expect(mutating()).toEqual([]);
  });

  it('sends new code only for the function whose artifact changed', async () => {
    await deploy();
    fc.calls.length = 0;
    writeFileSync(path.join(artifacts, 'getLatestBundle.zip'), 'a new build of getLatestBundle');
    await deploy();
    expect(
      mutating().map((call) => [
        call.method,
        call.path,
        Boolean((call.body?.code as { zipFile?: string } | undefined)?.zipFile),
      ]),
    ).toEqual([['PUT', '/services/hotpatch/functions/getLatestBundle', true]]);
  });

  it('updates a resource that turns out to exist already (created meanwhile)', async () => {
    await deploy();
    fc.hiddenFromGet.add('/services/hotpatch/functions/publishBundle');
    fc.calls.length = 0;
    const result = await deploy('--download-base-url', 'https://cdn.example.com');
    expect(result.code).toBe(0);
    const aboutPublish = mutating().filter(
      (call) => call.path.includes('publishBundle') || call.body?.functionName === 'publishBundle',
    );
    expect(aboutPublish.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /services/hotpatch/functions',
      'PUT /services/hotpatch/functions/publishBundle',
    ]);
    expect(result.json.actions).toContainEqual({
      resource: 'function publishBundle',
      action: 'update',
      changes: ['(already existed)'],
    });
    expect(fc.resources.get('/services/hotpatch/functions/publishBundle')!.environmentVariables).toMatchObject({
      HOTPATCH_DOWNLOAD_BASE_URL: 'https://cdn.example.com',
    });
  });

  it('takes credentials, account and region from fcli config when the environment has none', async () => {
    writeFileSync(
      path.join(home, 'fcli.yaml'),
      `endpoint: https://1234567890.cn-shanghai.fc.aliyuncs.com\napi_version: "2016-08-15"\naccess_key_id: ${KEY.accessKeyId}\naccess_key_secret: ${KEY.accessKeySecret}\nsecurity_token: ""\n`,
    );
    let stdout = '';
    const code = await runCli(
      [
        'deploy',
        '--dry-run',
        '--bucket',
        'b-1',
        '--app-keys',
        'k1k1:0123456789abcdef',
        '--artifacts',
        artifacts,
        '--fc-endpoint',
        fc.url,
        '--no-bucket-policy',
        '--fcli-config',
        path.join(home, 'fcli.yaml'),
      ],
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: () => undefined },
        env: { HOME: home },
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('plan for service hotpatch in cn-shanghai (nothing changed):');
  });

  it('fails with one line when FC refuses (a wrong secret) or the build is missing', async () => {
    let stderr = '';
    const code = await runCli(
      [
        'deploy',
        '--bucket',
        'b-1',
        '--app-keys',
        'k1k1:0123456789abcdef',
        '--artifacts',
        artifacts,
        '--fc-endpoint',
        fc.url,
        '--no-bucket-policy',
        '--account-id',
        '1',
        '--region',
        'cn-shanghai',
      ],
      {
        stdout: { write: () => undefined },
        stderr: { write: (text: string) => (stderr += text) },
        env: { HOME: home, ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong' },
      },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^hotpatch: FC refused the deployment: SignatureNotMatch: GET \/services\/hotpatch failed with 403/,
    );
    expect((await deploy('--artifacts', path.join(artifacts, 'missing'))).stderr).toMatch(
      /^hotpatch: .*getLatestBundle\.zip is missing|uploadBundle\.zip is missing: run npm run build first/,
    );
  });

  it("grants anonymous reads of the content prefixes only, keeps the bucket's other statements, and is idempotent", async () => {
    const client = new OSS({
      endpoint: oss.url,
      region: 'oss-cn-hangzhou',
      accessKeyId: KEY.accessKeyId,
      accessKeySecret: KEY.accessKeySecret,
    });
    const theirs = {
      Effect: 'Allow' as const,
      Principal: ['200000000000000'],
      Action: ['oss:ListObjects'],
      Resource: [`acs:oss:*:1234567890:${TEST_BUCKET}`],
    };
    await client.putBucketPolicy(TEST_BUCKET, { Version: '1', Statement: [theirs] });
    const first = await deploy();
    expect(first.code).toBe(0);
    expect(first.json.actions).toContainEqual({
      resource: `bucket policy oss://${TEST_BUCKET}`,
      action: 'update',
      changes: ['Statement'],
    });
    expect(await policyOf(TEST_BUCKET)).toEqual({
      Version: '1',
      Statement: [
        theirs,
        {
          Effect: 'Allow',
          Principal: ['*'],
          Action: ['oss:GetObject'],
          Resource: contentArns('1234567890', TEST_BUCKET),
        },
      ],
    });
    expect(first.json.warnings).toEqual([]);
    const again = await deploy();
    expect(again.json.actions).toContainEqual({
      resource: `bucket policy oss://${TEST_BUCKET}`,
      action: 'unchanged',
      changes: [],
    });
  });

  it('in signed download mode takes the anonymous statement away again, leaving a fully private bucket', async () => {
    await deploy();
    const signed = await deploy('--download-mode', 'signed');
    expect(signed.json.actions).toContainEqual({
      resource: `bucket policy oss://${TEST_BUCKET}`,
      action: 'update',
      changes: ['(deleted: no statement left)'],
    });
    expect(await policyOf(TEST_BUCKET)).toBeUndefined();
    expect(fc.resources.get('/services/hotpatch/functions/getLatestBundle')!.environmentVariables).toMatchObject({
      HOTPATCH_DOWNLOAD_MODE: 'signed',
    });
  });

  it('warns on stderr when the bucket ACL is public-read (everything in it would be public)', async () => {
    const result = await deploy('--bucket', TEST_PUBLIC_BUCKET, '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^hotpatch: warning: bucket ${TEST_PUBLIC_BUCKET} has ACL public-read: every object in it .* set it to private`,
      ),
    );
    expect(result.json.bucketAcl).toBe('public-read');
  });

  it('prints the bucket policy with --dry-run in human output', async () => {
    let stdout = '';
    const code = await runCli(
      [
        'deploy',
        '--dry-run',
        '--bucket',
        TEST_BUCKET,
        '--oss-endpoint',
        oss.url,
        '--app-keys',
        'ci-key:ci-secret-0123456789',
        '--artifacts',
        artifacts,
        '--fc-endpoint',
        fc.url,
        '--account-id',
        '1234567890',
        '--region',
        'cn-shanghai',
      ],
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: () => undefined },
        env: {
          HOME: home,
          ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret,
        },
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`bucket policy of ${TEST_BUCKET} after deploy:`);
    expect(stdout).toContain(`"acs:oss:*:1234567890:${TEST_BUCKET}/packages/*"`);
  });

  it('gives the app keys to publishBundle only, and a non-default upload prefix to the trigger and the functions that read it', async () => {
    expect((await deploy('--upload-prefix', 'inbox/releases/')).code).toBe(0);
    const env = (name: string) =>
      fc.resources.get(`/services/hotpatch/functions/${name}`)!.environmentVariables as Record<string, string>;
    expect(env('publishBundle').HOTPATCH_APP_KEYS).toBe('ci-key:ci-secret-0123456789');
    expect(env('uploadBundle').HOTPATCH_APP_KEYS).toBeUndefined();
    expect(env('getLatestBundle').HOTPATCH_APP_KEYS).toBeUndefined();
    expect(env('uploadBundle').HOTPATCH_UPLOAD_PREFIX).toBe('inbox/releases/');
    expect(env('publishBundle').HOTPATCH_UPLOAD_PREFIX).toBe('inbox/releases/');
    expect(fc.resources.get('/services/hotpatch/functions/uploadBundle/triggers/oss-upload')).toMatchObject({
      triggerConfig: { filter: { key: { prefix: 'inbox/releases/' } } },
    });
    expect((await deploy('--upload-prefix', '/bad')).stderr).toMatch(
      /^hotpatch: upload prefix "\/bad" must be key segments ending in \//,
    );
    // gc deletes everything under the upload prefix by age: a prefix over the logs would delete them.
    const before = fc.resources.get('/services/hotpatch/functions/uploadBundle/triggers/oss-upload');
    const overlapping = await deploy('--upload-prefix', 'logs/');
    expect(overlapping.code).not.toBe(0);
    expect(overlapping.stderr).toMatch(/^hotpatch: upload prefix "logs\/" overlaps logs\/, where hotpatch keeps/);
    expect(fc.resources.get('/services/hotpatch/functions/uploadBundle/triggers/oss-upload')).toEqual(before);
  });

  it('prints the RAM policy for a bucket and upload prefix without touching FC or OSS', async () => {
    let stdout = '';
    const code = await runCli(
      ['deploy', '--bucket', 'my-bundles', '--upload-prefix', 'inbox/', '--print-policy', 'uploader'],
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: () => undefined },
        env: { HOME: home },
      },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject'], Resource: ['acs:oss:*:*:my-bundles/inbox/*'] },
      ],
    });
    expect(fc.calls).toEqual([]);
    stdout = '';
    expect(
      await runCli(['deploy', '--bucket', 'my-bundles', '--account-id', '42', '--print-policy', 'bucket'], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: () => undefined },
        env: { HOME: home },
      }),
    ).toBe(0);
    expect(JSON.parse(stdout).Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: ['*'],
      Action: ['oss:GetObject'],
      Resource: contentArns('42', 'my-bundles'),
    });
  });

  const envOf = (name: string) =>
    fc.resources.get(`/services/hotpatch/functions/${name}`)!.environmentVariables as Record<string, string>;
  const SIGNER = {
    HOTPATCH_DOWNLOAD_SIGNER_KEY_ID: 'LTAI-signer-id',
    HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: 'signer-secret-never-printed',
  };
  const GATEWAY = {
    HOTPATCH_GATEWAY_SIGNATURE_KEY: 'hotpatch-backend',
    HOTPATCH_GATEWAY_SIGNATURE_SECRET: 'gateway-secret-never-printed',
  };

  it('in signed mode gives the functions the signer key pair, and prints the plan with every secret redacted', async () => {
    const planned = await deployWith(
      { ...SIGNER, ...GATEWAY, HOTPATCH_AUTH_MODE: 'gateway' },
      '--download-mode',
      'signed',
      '--dry-run',
      '--human',
    );
    expect([planned.code, planned.stderr]).toEqual([0, '']);
    for (const secret of [
      'ci-secret-0123456789',
      SIGNER.HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET,
      GATEWAY.HOTPATCH_GATEWAY_SIGNATURE_SECRET,
    ])
      expect(planned.stdout).not.toContain(secret);
    expect(planned.stdout).toContain('environment of publishBundle (secrets redacted):');
    expect(planned.stdout).toContain('  HOTPATCH_APP_KEYS=ci-key:[redacted]\n');
    expect(planned.stdout).toContain('  HOTPATCH_DOWNLOAD_SIGNER_KEY_ID=LTAI-signer-id\n');
    expect(planned.stdout).toContain('  HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET=[redacted]\n');
    expect(planned.stdout).toContain('  HOTPATCH_GATEWAY_SIGNATURE_SECRET=[redacted]\n');
    expect(mutating()).toEqual([]);

    const applied = await deploy(
      '--download-mode',
      'signed',
      '--download-signer-key-id',
      'LTAI-signer-id',
      '--download-signer-key-secret',
      'signer-secret-never-printed',
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).not.toContain('signer-secret-never-printed');
    expect(applied.json.environments.getLatestBundle).toMatchObject({
      HOTPATCH_DOWNLOAD_MODE: 'signed',
      HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: '[redacted]',
    });
    for (const name of ['uploadBundle', 'getLatestBundle', 'publishBundle']) expect(envOf(name)).toMatchObject(SIGNER);
  });

  it('warns that signed URLs are capped at an hour without a signer, and removes a signer pair no longer given', async () => {
    await deployWith(SIGNER, '--download-mode', 'signed');
    const without = await deploy('--download-mode', 'signed');
    expect(without.code).toBe(0);
    expect(without.stderr).toMatch(
      /^hotpatch: warning: signed download URLs will be signed with the function role's STS credentials and live at most 3600 s; give --download-signer-key-id/,
    );
    expect(envOf('getLatestBundle').HOTPATCH_DOWNLOAD_SIGNER_KEY_ID).toBeUndefined();
    expect(envOf('getLatestBundle').HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET).toBeUndefined();
  });

  it('refuses half a signer pair, or one in public mode, before any FC call (exit 2, no secret in the line)', async () => {
    const half = await deployWith(
      { HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: 'lonely-secret' },
      '--download-mode',
      'signed',
    );
    expect([half.code, half.stderr]).toEqual([
      2,
      'hotpatch: --download-signer-key-id (or HOTPATCH_DOWNLOAD_SIGNER_KEY_ID) is required with --download-signer-key-secret (or HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET): give both or neither\n',
    ]);
    const publicMode = await deploy(
      '--download-signer-key-id',
      'LTAI-x',
      '--download-signer-key-secret',
      'lonely-secret',
    );
    expect([publicMode.code, publicMode.stderr]).toEqual([
      2,
      'hotpatch: --download-signer-key-id and --download-signer-key-secret: only with --download-mode signed (the pair signs download URLs)\n',
    ]);
    expect(fc.calls).toEqual([]);
  });

  it('in gateway mode gives publishBundle alone the mode and the backend signature key pair, and takes its HTTP trigger away', async () => {
    expect((await deploy()).code).toBe(0);
    expect(envOf('publishBundle').HOTPATCH_AUTH_MODE).toBe('direct');
    expect(fc.resources.has('/services/hotpatch/functions/publishBundle/triggers/http')).toBe(true);
    fc.calls.length = 0;
    // Behind the gateway the secrets live in API Gateway: an entry may leave its secret empty.
    const gateway = await deployWith(GATEWAY, '--auth-mode', 'gateway', '--app-keys', 'ci-key::release:shop');
    expect([gateway.code, gateway.stderr]).toEqual([0, '']);
    expect(envOf('publishBundle')).toMatchObject({
      HOTPATCH_AUTH_MODE: 'gateway',
      HOTPATCH_APP_KEYS: 'ci-key::release:shop',
      ...GATEWAY,
    });
    for (const name of ['uploadBundle', 'getLatestBundle'])
      expect(Object.keys(envOf(name)).filter((variable) => /AUTH_MODE|GATEWAY|APP_KEYS/.test(variable))).toEqual([]);
    expect(gateway.json.actions).toContainEqual({
      resource: 'trigger publishBundle/http',
      action: 'delete',
      changes: [],
    });
    expect(
      mutating()
        .filter((call) => call.method === 'DELETE')
        .map((call) => call.path),
    ).toEqual(['/services/hotpatch/functions/publishBundle/triggers/http']);
    expect(fc.resources.has('/services/hotpatch/functions/publishBundle/triggers/http')).toBe(false);
    expect(fc.resources.has('/services/hotpatch/functions/getLatestBundle/triggers/http')).toBe(true);
    expect(gateway.stdout).not.toContain(GATEWAY.HOTPATCH_GATEWAY_SIGNATURE_SECRET);

    const again = await deployWith(GATEWAY, '--auth-mode', 'gateway', '--app-keys', 'ci-key::release:shop');
    expect(again.json.actions.every((action: { action: string }) => action.action === 'unchanged')).toBe(true);

    // Back to direct: the mode is set again, the gateway pair goes, the trigger comes back.
    expect((await deploy()).code).toBe(0);
    expect(envOf('publishBundle').HOTPATCH_AUTH_MODE).toBe('direct');
    expect(envOf('publishBundle').HOTPATCH_GATEWAY_SIGNATURE_SECRET).toBeUndefined();
    expect(fc.resources.has('/services/hotpatch/functions/publishBundle/triggers/http')).toBe(true);
  });

  it('refuses gateway mode without the backend signature key pair, and the pair in direct mode', async () => {
    const missing = await deploy('--auth-mode', 'gateway');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^hotpatch: --auth-mode gateway needs the backend signature key pair bound to the management APIs: --gateway-signature-key and --gateway-signature-secret/,
    );
    const direct = await deploy(
      '--gateway-signature-key',
      'k',
      '--gateway-signature-secret',
      'gateway-secret-never-printed',
    );
    expect([direct.code, direct.stderr]).toEqual([
      2,
      "hotpatch: --gateway-signature-key and --gateway-signature-secret: only with --auth-mode gateway (the pair is API Gateway's backend signature key)\n",
    ]);
    const unknown = await deployWith({ HOTPATCH_AUTH_MODE: 'both' });
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      'hotpatch: auth mode "both" (--auth-mode or HOTPATCH_AUTH_MODE) must be one of direct, gateway\n',
    ]);
    expect(fc.calls).toEqual([]);
  });

  it('gives getLatestBundle alone the Expo key-encryption key (flag or variable), redacted in the plan', async () => {
    const kek = Buffer.alloc(32, 7).toString('base64');
    const previous = Buffer.alloc(32, 9).toString('base64');
    const planned = await deployWith({ HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek }, '--dry-run', '--human');
    expect([planned.code, planned.stderr]).toEqual([0, '']);
    expect(planned.stdout).not.toContain(kek);
    expect(planned.stdout).toContain('  HOTPATCH_EXPO_KEY_ENCRYPTION_KEY=[redacted]\n');
    expect(mutating()).toEqual([]);

    const applied = await deploy('--expo-key-encryption-key', `${kek},${previous}`);
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    expect(applied.stdout).not.toContain(kek);
    expect(applied.json.environments.getLatestBundle.HOTPATCH_EXPO_KEY_ENCRYPTION_KEY).toBe('[redacted]');
    expect(envOf('getLatestBundle').HOTPATCH_EXPO_KEY_ENCRYPTION_KEY).toBe(`${kek},${previous}`);
    expect(envOf('uploadBundle').HOTPATCH_EXPO_KEY_ENCRYPTION_KEY).toBeUndefined();
    expect(envOf('publishBundle').HOTPATCH_EXPO_KEY_ENCRYPTION_KEY).toBeUndefined();
  });

  it('gives getLatestBundle alone the API URL (flag or variable), so Expo launch assets can be sent as patches', async () => {
    const applied = await deployWith({ HOTPATCH_API_URL: 'https://updates.example.com' });
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    expect(envOf('getLatestBundle').HOTPATCH_API_URL).toBe('https://updates.example.com');
    expect(envOf('publishBundle').HOTPATCH_API_URL).toBeUndefined();
    expect(envOf('uploadBundle').HOTPATCH_API_URL).toBeUndefined();
    const flagged = await deploy('--api-url', 'https://ota.example.com/');
    expect([flagged.code, flagged.stderr]).toEqual([0, '']);
    // Stored as getLatestBundle reads it: without the trailing slash.
    expect(envOf('getLatestBundle').HOTPATCH_API_URL).toBe('https://ota.example.com');
  });

  it('refuses an API URL that is not http(s) before any FC call (exit 2, one line)', async () => {
    for (const bad of ['updates.example.com', 'ftp://updates.example.com']) {
      const refused = await deploy('--api-url', bad);
      expect([refused.code, refused.stderr]).toEqual([
        2,
        'hotpatch: --api-url (or HOTPATCH_API_URL) must be an http(s) URL, e.g. https://updates.example.com\n',
      ]);
    }
    expect(fc.calls).toEqual([]);
  });

  it('refuses a malformed Expo key-encryption key before any FC call (exit 2, one line, not the value)', async () => {
    for (const bad of ['not-base64-key-never-printed', `${Buffer.alloc(16).toString('base64')}`]) {
      const refused = await deployWith({ HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: bad });
      expect([refused.code, refused.stderr]).toEqual([
        2,
        'hotpatch: --expo-key-encryption-key (or HOTPATCH_EXPO_KEY_ENCRYPTION_KEY) must be 32 random bytes in base64 (44 characters, e.g. `openssl rand -base64 32`), several comma-separated while rotating\n',
      ]);
    }
    expect(fc.calls).toEqual([]);
  });

  it.each([
    [
      'a secret too short for direct mode',
      'ci-key:short-secret-1',
      'hotpatch: app keys (--app-keys or HOTPATCH_APP_KEYS): the secret of ci-key is shorter than 16 characters\n',
    ],
    [
      'an unknown role',
      'ci-key:ci-secret-0123456789:owner',
      /^hotpatch: app keys \(--app-keys or HOTPATCH_APP_KEYS\): key ci-key: .*owner.*\n$/,
    ],
    [
      'a malformed entry',
      'ci-key:ci-secret-0123456789,oops',
      'hotpatch: app keys (--app-keys or HOTPATCH_APP_KEYS): each entry must be key:secret[:role[:apps]] with a key of 4-64 letters, digits, "_" or "-" (and no ":" in the secret)\n',
    ],
    [
      'an empty secret in direct mode',
      'ci-key::release',
      'hotpatch: app keys (--app-keys or HOTPATCH_APP_KEYS): the secret of ci-key is shorter than 16 characters\n',
    ],
  ])(
    'refuses app keys with %s before deploying anything (exit 2, one line, no secret)',
    async (_case, appKeys, message) => {
      const result = await deploy('--app-keys', appKeys);
      expect(result.code).toBe(2);
      if (typeof message === 'string') expect(result.stderr).toBe(message);
      else expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('ci-secret-0123456789');
      expect(result.stderr).not.toContain('short-secret-1');
      expect(fc.calls).toEqual([]);
    },
  );

  it('prints the signer RAM policy: GetObject on the content prefixes, nothing else', async () => {
    let stdout = '';
    expect(
      await runCli(['deploy', '--bucket', 'my-bundles', '--print-policy', 'signer'], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: () => undefined },
        env: { HOME: home },
      }),
    ).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject'],
          Resource: contentArns('*', 'my-bundles'),
        },
      ],
    });
  });
});
