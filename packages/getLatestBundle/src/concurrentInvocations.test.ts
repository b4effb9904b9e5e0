/**
 * getLatestBundle with instance concurrency > 1: many invocations in flight in ONE function instance. Every
 * log line must carry its own invocation's request id and keys, every download URL must be signed with its
 * own invocation's credentials, and concurrent cache misses must still share one storage read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createAppRegistry,
  createCredentialsSource,
  createFcHttpHandler,
  createFsStore,
  createLogger,
  createStoreFromConfig,
  loadStorageConfig,
  writeJson,
  type ObjectStore,
} from '@hotpatch/common';
import { apiGatewayEvent, fcContext } from '@hotpatch/common/testing';
import { storageKeys, type DeploymentRef } from '@hotpatch/core';
import { catalogForCase } from '@hotpatch/core/testing';
import { createGetLatestBundleFunction, createGetLatestBundleHandler } from './index';

const INVOCATIONS = 200;
const deployment: DeploymentRef = { app: 'demo', platform: 'ios', channel: 'production' };
const history = {
  name: 'one release',
  releases: [{ range: '1.x', content: 'a' }],
  request: { appVersion: '1.0.0' },
  expected: { status: 'upToDate' as const },
};

async function seed(store: ObjectStore): Promise<void> {
  await createAppRegistry(store).create({ name: 'demo', platforms: ['ios', 'android'] });
  await writeJson(store, storageKeys.catalog(deployment), catalogForCase(history, deployment));
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The request of invocation `i` and what its final log line must say: four kinds, one of them a unique path. */
function requestOf(i: number): { path: string; query: Record<string, string>; status: number } {
  const check = { app: 'demo', platform: 'ios', channel: 'production', appVersion: '1.0.0', clientId: `device-${i}` };
  switch (i % 4) {
    case 0:
      return { path: '/v1/check', query: check, status: 200 };
    case 1:
      return { path: '/v1/check', query: { ...check, app: 'unknown' }, status: 404 };
    case 2:
      return { path: '/v1/health', query: {}, status: 200 };
    default:
      return { path: `/v1/no-such-route-${i}`, query: {}, status: 404 };
  }
}

describe('getLatestBundle: 200 concurrent invocations in one instance', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-concurrency-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('logs every line under its own request id, cold-start flag and keys', async () => {
    await seed(createFsStore({ directory }));
    const lines: Record<string, unknown>[] = [];
    const handler = createGetLatestBundleFunction(
      {
        HOTPATCH_STORAGE: 'fs',
        HOTPATCH_FS_DIR: directory,
        HOTPATCH_CATALOG_TTL_SECONDS: '0',
        HOTPATCH_LOG_LEVEL: 'info',
      },
      { writeLog: (line) => lines.push(JSON.parse(line)) },
    );
    const contexts = Array.from({ length: INVOCATIONS }, (_, i) => fcContext({ requestId: `req-${i}` }));
    const responses = await Promise.all(
      contexts.map(async (context, i) => {
        // Staggered arrivals: some start while others are already waiting on storage.
        if (i % 3 === 1) await tick();
        const { path: requestPath, query } = requestOf(i);
        return handler(apiGatewayEvent({ path: requestPath, query }), context);
      }),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(contexts.map((_, i) => requestOf(i).status));

    const byRequest = new Map<unknown, Record<string, unknown>[]>();
    for (const line of lines) byRequest.set(line.request_id, [...(byRequest.get(line.request_id) ?? []), line]);
    expect([...byRequest.keys()].sort()).toEqual(contexts.map((context) => context.requestId).sort());
    contexts.forEach((context, i) => {
      const own = byRequest.get(context.requestId)!;
      const { path: requestPath, status } = requestOf(i);
      // Every line of the invocation has its keys; its last line is the outcome, with its own status.
      for (const line of own) expect(line).toMatchObject({ method: 'GET', path: requestPath, cold_start: i === 0 });
      expect(own.at(-1)).toMatchObject({ message: status === 200 ? 'request served' : 'request refused', status });
    });
  });

  it('signs each download URL with its own invocation credentials, and shares one catalog read among concurrent misses', async () => {
    const credentials = createCredentialsSource({});
    const config = loadStorageConfig({
      HOTPATCH_STORAGE: 'memory',
      HOTPATCH_DOWNLOAD_MODE: 'signed',
      HOTPATCH_DOWNLOAD_BASE_URL: 'https://my-bundles.oss-cn-shanghai.aliyuncs.com',
    });
    const memory = createStoreFromConfig(config, credentials);
    await seed(memory);
    const reads = new Map<string, number>();
    const store: ObjectStore = {
      ...memory,
      async get(key, options) {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        await tick(); // a storage round trip: every other invocation arrives while the first read is in flight
        return memory.get(key, options);
      },
    };
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: 'getLatestBundle', write: (line) => lines.push(JSON.parse(line)) });
    const check = createGetLatestBundleHandler({
      store,
      config: { catalogTtlMs: 60_000, storageTimeoutMs: 2500, staleIfErrorMs: 0 },
    });
    const handler = createFcHttpHandler({
      functionName: 'getLatestBundle',
      logger,
      credentials,
      handle: () => async (request, context) => {
        // A key only this invocation knows, added before and checked after the real handler's awaits.
        context.logger.appendKeys({ device: request.query.clientId });
        await tick();
        context.logger.info('checking');
        return check(request, context);
      },
    });

    const contexts = Array.from({ length: INVOCATIONS }, (_, i) =>
      fcContext({
        requestId: `req-${i}`,
        credentials: { accessKeyId: `STS.key-${i}`, accessKeySecret: `secret-${i}`, securityToken: `token-${i}` },
      }),
    );
    const responses = await Promise.all(
      contexts.map((context, i) =>
        handler(
          apiGatewayEvent({
            path: '/v1/check',
            query: {
              app: 'demo',
              platform: 'ios',
              channel: 'production',
              appVersion: '1.0.0',
              clientId: `device-${i}`,
            },
          }),
          context,
        ),
      ),
    );
    responses.forEach((response, i) => {
      expect(response.statusCode).toBe(200);
      const url = new URL(JSON.parse(response.body).release.url);
      expect([url.searchParams.get('OSSAccessKeyId'), url.searchParams.get('security-token')]).toEqual([
        `STS.key-${i}`,
        `token-${i}`,
      ]);
    });
    expect(reads.get(storageKeys.catalog(deployment))).toBe(1);

    expect(lines).toHaveLength(2 * INVOCATIONS);
    for (const line of lines) expect(line.device).toBe(`device-${String(line.request_id).slice('req-'.length)}`);
  });
});
