import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createAppRegistry, writeJson } from '@hotpatch/common';
import { apiGatewayEvent, fcContext, fcHttpTriggerEvent, startFc2HttpTrigger } from '@hotpatch/common/testing';
import { storageKeys } from '@hotpatch/core';
import { catalogForCase, DECISION_CASES } from '@hotpatch/core/testing';
import { startTestOssServer, TEST_BUCKET, TEST_CREDENTIALS, type TestOssServer } from '@hotpatch/local/testing';

const ROOT = path.resolve(__dirname, '..');
const artifact = (name: string) => path.join(ROOT, 'artifacts', name, 'index.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { highestGlibc, compareVersions } = require(path.join(ROOT, 'scripts/checkGlibc.js')) as {
  highestGlibc(listing: string): string | undefined;
  compareVersions(a: string, b: string): number;
};

let server: TestOssServer;

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { cwd: ROOT, stdio: 'pipe' });
  server = await startTestOssServer();
}, 60_000);

afterAll(() => server.close());

/** Loads a built artifact in this process with an environment, as FC would with its configuration. */
function loadHandler(name: string, env: Record<string, string>): (event: unknown, context: unknown) => Promise<any> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(artifact(name)).handler;
  } finally {
    process.env = saved;
  }
}

describe('npm run build', () => {
  it('writes one bundle and one zip per function, with a size report', () => {
    for (const name of ['uploadBundle', 'getLatestBundle', 'publishBundle']) {
      expect(existsSync(artifact(name))).toBe(true);
      expect(statSync(path.join(ROOT, 'artifacts', `${name}.zip`)).size).toBeGreaterThan(0);
    }
    const report = JSON.parse(readFileSync(path.join(ROOT, 'artifacts', 'size-report.json'), 'utf8')) as {
      name: string;
      bundleBytes: number;
      byPackage: Record<string, number>;
    }[];
    const check = report.find((entry) => entry.name === 'getLatestBundle')!;
    expect(check.bundleBytes).toBeLessThan(400 * 1024);
    expect(Object.keys(check.byPackage).some((owner) => owner.startsWith('ali-oss'))).toBe(false);
  });

  it('serves a check from the getLatestBundle artifact, reading OSS with its own client', async () => {
    const testCase = DECISION_CASES.find(
      (candidate) => candidate.name === 'mandatory in the middle propagates to a fresh binary',
    )!;
    const deployment = { app: 'built', platform: 'android' as const, channel: 'staging' };
    await createAppRegistry(server.store(TEST_BUCKET)).create({ name: 'built', platforms: ['android'] });
    await writeJson(server.store(TEST_BUCKET), storageKeys.catalog(deployment), catalogForCase(testCase, deployment));
    const handler = loadHandler('getLatestBundle', {
      HOTPATCH_OSS_BUCKET: TEST_BUCKET,
      HOTPATCH_OSS_ENDPOINT: server.url,
      HOTPATCH_LOG_LEVEL: 'error',
    });
    const context = fcContext({
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, accessKeySecret: TEST_CREDENTIALS.accessKeySecret },
    });
    const viaGateway = await handler(
      apiGatewayEvent({
        path: '/v1/check',
        query: { app: 'built', platform: 'android', channel: 'staging', appVersion: '1.0.0' },
      }),
      context,
    );
    expect(viaGateway).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(JSON.parse(viaGateway.body)).toMatchObject({ status: 'update', release: { label: 'v3', mandatory: true } });
    const viaTrigger = await handler(fcHttpTriggerEvent({ path: '/v1/health' }), context);
    expect(JSON.parse(viaTrigger.body)).toEqual({ status: 'ok', storage: 'oss' });
    // The same export, called FC 2.0's way (request, response, context) by an HTTP trigger.
    const fc2 = await startFc2HttpTrigger(handler, { functionName: 'getLatestBundle', context: () => context });
    try {
      const response = await fetch(`${fc2.url}/v1/check?app=built&platform=android&channel=staging&appVersion=1.0.0`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'update', release: { label: 'v3', mandatory: true } });
    } finally {
      await fc2.close();
    }
  });

  it('fails closed from the artifact too when the configuration is wrong', async () => {
    const handler = loadHandler('publishBundle', {
      HOTPATCH_OSS_BUCKET: TEST_BUCKET,
      HOTPATCH_OSS_ENDPOINT: server.url,
      HOTPATCH_LOG_LEVEL: 'error',
    });
    const answer = await handler(apiGatewayEvent({ path: '/v1/apps' }), fcContext());
    expect(answer.statusCode).toBe(500);
    expect(answer.body).not.toContain('HOTPATCH_APP_KEYS');
  });

  it('serves the web console from the publishBundle artifact (console/ beside index.js), without a signature', async () => {
    // A fresh load: the artifact read its environment when first required (the test above, without keys).
    jest.resetModules();
    const handler = loadHandler('publishBundle', {
      HOTPATCH_OSS_BUCKET: TEST_BUCKET,
      HOTPATCH_OSS_ENDPOINT: server.url,
      HOTPATCH_APP_KEYS: 'artifact-key:artifact-secret-0123456',
      HOTPATCH_LOG_LEVEL: 'error',
    });
    const context = fcContext({
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, accessKeySecret: TEST_CREDENTIALS.accessKeySecret },
    });
    const index = await handler(apiGatewayEvent({ path: '/console/' }), context);
    expect(index).toMatchObject({ statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    const html = Buffer.from(index.body, index.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
    const script = /src="(console-[A-Z0-9]{8}\.js)"/.exec(html)![1]!;
    expect(existsSync(path.join(ROOT, 'artifacts', 'publishBundle', 'console', script))).toBe(true);
    const asset = await handler(apiGatewayEvent({ path: `/console/${script}` }), context);
    expect(asset).toMatchObject({
      statusCode: 200,
      headers: { 'Cache-Control': 'public, max-age=31536000, immutable' },
    });
  });
});

describe('scripts/checkGlibc.js', () => {
  it('finds the highest glibc version an objdump listing needs', () => {
    const listing =
      '0000000000000000      DF *UND*  0000000000000000  GLIBC_2.2.5 memcpy\n0000000000000000      DF *UND*  0000000000000000  GLIBC_2.34  pthread_create\n0000000000000000      DF *UND*  0000000000000000  GLIBC_2.17 clock_gettime\n';
    expect(highestGlibc(listing)).toBe('2.34');
    expect(compareVersions('2.34', '2.28')).toBeGreaterThan(0);
    expect(compareVersions('2.2.5', '2.28')).toBeLessThan(0);
    expect(highestGlibc('no versions here')).toBeUndefined();
  });
});
