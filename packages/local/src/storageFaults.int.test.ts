import {
  createAppRegistry,
  createCredentialsSource,
  createFcHttpHandler,
  createLogger,
  createOssHttpStore,
  writeJson,
} from '@hotpatch/common';
import { apiGatewayEvent, fcContext } from '@hotpatch/common/testing';
import { storageKeys } from '@hotpatch/core';
import { catalogForCase } from '@hotpatch/core/testing';
import { createGetLatestBundleHandler, loadCheckConfig } from '@hotpatch/get-latest-bundle';
import { startTestOssServer, TEST_BUCKET, TEST_CREDENTIALS, type TestOssServer } from './testing';

let server: TestOssServer;

beforeAll(async () => {
  server = await startTestOssServer();
});

afterAll(async () => {
  await server.close();
});

const deployment = { app: 'shop', platform: 'ios' as const, channel: 'production' };
const DEPLOYMENT_KEY = 'stale-if-error-key-0001';
const nativeCheck = apiGatewayEvent({
  path: '/v1/check',
  query: { app: 'shop', platform: 'ios', channel: 'production', appVersion: '1.0.0' },
});
const codePushCheck = apiGatewayEvent({
  path: '/v0.1/public/codepush/update_check',
  query: { deployment_key: DEPLOYMENT_KEY, app_version: '1.0.0' },
});

describe('getLatestBundle when the local OSS server fails its revalidations (fault injection, injected clock)', () => {
  it('answers from the catalog it holds within the stale-if-error window, warns once, then fails closed with 503', async () => {
    const seed = server.store(TEST_BUCKET);
    await createAppRegistry(seed).create({ name: 'shop', platforms: ['ios'] });
    await writeJson(
      seed,
      storageKeys.catalog(deployment),
      catalogForCase(
        {
          name: 'one',
          releases: [{ range: '1.x', content: 'a' }],
          request: { appVersion: '1.0.0' },
          expected: { status: 'upToDate' },
        },
        deployment,
      ),
    );
    await writeJson(seed, storageKeys.deploymentKey(DEPLOYMENT_KEY), deployment);

    let clock = 1_000_000;
    const warnings: string[] = [];
    const logger = createLogger({
      service: 'test',
      level: 'warn',
      write: (line) => warnings.push(JSON.parse(line).message),
    });
    const staleWarnings = (subject: string) =>
      warnings.filter((message) => message.includes(`answering a stale ${subject}`));
    const store = createOssHttpStore({
      endpoint: server.url,
      bucket: TEST_BUCKET,
      credentials: () => TEST_CREDENTIALS,
      downloadUrl: { mode: 'public', baseUrl: `${server.url}/${TEST_BUCKET}` },
    });
    const config = loadCheckConfig({ HOTPATCH_CATALOG_TTL_SECONDS: '10', HOTPATCH_STALE_IF_ERROR_SECONDS: '120' });
    // The production handler behind FC's adapter (which maps errors to responses), on an injected clock.
    const handler = createFcHttpHandler({
      functionName: 'getLatestBundle',
      logger,
      credentials: createCredentialsSource({}),
      handle: () => createGetLatestBundleHandler({ store, config, now: () => new Date(clock), logger }),
    });
    const handle = (event: Buffer) => handler(event, fcContext());

    const healthy = await handle(nativeCheck);
    expect(healthy.statusCode).toBe(200);
    const healthyCodePush = await handle(codePushCheck);
    expect(healthyCodePush.statusCode).toBe(200);

    server.faults.failNext(1_000_000, { status: 503, match: { method: 'GET' } });
    try {
      for (const at of [10_000, 30_000, 129_999]) {
        clock = 1_000_000 + at;
        expect(await handle(nativeCheck)).toEqual(healthy);
        expect(await handle(codePushCheck)).toEqual(healthyCodePush);
      }
      expect(staleWarnings('catalog')).toHaveLength(1);
      expect(staleWarnings('deployment key')).toHaveLength(1);

      clock = 1_000_000 + 130_000; // TTL (10 s) + window (120 s) after the last good read: nothing valid in hand
      for (const event of [nativeCheck, codePushCheck]) {
        expect(await handle(event)).toMatchObject({
          statusCode: 503,
          headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' },
        });
      }
    } finally {
      server.faults.reset();
    }
    expect(await handle(nativeCheck)).toEqual(healthy);
  });
});
