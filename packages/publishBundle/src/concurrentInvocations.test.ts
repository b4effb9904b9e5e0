/**
 * publishBundle with instance concurrency > 1: 200 signed management calls in flight in ONE function
 * instance (over the filesystem store, so nonce claims and registry writes really wait on I/O). Every log line
 * must carry its own invocation's request id and keys: the app key that signed it, its method and path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppRegistry, createFsStore, signApiGatewayRequest } from '@hotpatch/common';
import { apiGatewayEvent, fcContext } from '@hotpatch/common/testing';
import { createPublishBundleFunction } from './index';

const INVOCATIONS = 200;
const APP_KEYS = Array.from({ length: 8 }, (_, i) => ({
  key: `release-bot-${i}`,
  secret: `release-bot-secret-${i}-0000`,
}));

/** Invocation `i`: who signs it (nobody for every tenth), what it asks, and the status it must get. */
function callOf(i: number): {
  appKey: string | undefined;
  method: string;
  path: string;
  body?: string;
  status: number;
} {
  const appKey = i % 10 === 9 ? undefined : APP_KEYS[i % APP_KEYS.length]!.key;
  if (!appKey) return { appKey, method: 'GET', path: '/v1/apps', status: 401 };
  switch (i % 4) {
    case 0:
      return {
        appKey,
        method: 'POST',
        path: '/v1/apps',
        body: JSON.stringify({ name: `app-${i}`, platforms: ['ios'] }),
        status: 201,
      };
    case 1:
      return { appKey, method: 'GET', path: '/v1/apps', status: 200 };
    case 2:
      return { appKey, method: 'GET', path: '/v1/apps/demo', status: 200 };
    default:
      return { appKey, method: 'GET', path: '/v1/manage/health', status: 200 };
  }
}

describe('publishBundle: 200 concurrent invocations in one instance', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-publish-concurrency-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('logs every line under its own request id with its own app key, method and path', async () => {
    await createAppRegistry(createFsStore({ directory })).create({ name: 'demo', platforms: ['ios', 'android'] });
    const lines: Record<string, unknown>[] = [];
    const handler = createPublishBundleFunction(
      {
        HOTPATCH_STORAGE: 'fs',
        HOTPATCH_FS_DIR: directory,
        HOTPATCH_LOG_LEVEL: 'info',
        HOTPATCH_APP_KEYS: APP_KEYS.map(({ key, secret }) => `${key}:${secret}`).join(','),
      },
      { writeLog: (line) => lines.push(JSON.parse(line)) },
    );
    const contexts = Array.from({ length: INVOCATIONS }, (_, i) => fcContext({ requestId: `req-${i}` }));
    const responses = await Promise.all(
      contexts.map(async (context, i) => {
        if (i % 3 === 1) await new Promise<void>((resolve) => setImmediate(resolve));
        const call = callOf(i);
        const body = Buffer.from(call.body ?? '');
        const secret = APP_KEYS.find(({ key }) => key === call.appKey)?.secret;
        const headers = secret
          ? signApiGatewayRequest({
              appKey: call.appKey!,
              appSecret: secret,
              method: call.method,
              path: call.path,
              body,
              ...(call.body ? { contentType: 'application/json' } : {}),
            })
          : {};
        return handler(
          apiGatewayEvent({ method: call.method, path: call.path, headers, body: call.body ?? '' }),
          context,
        );
      }),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(contexts.map((_, i) => callOf(i).status));

    const byRequest = new Map<unknown, Record<string, unknown>[]>();
    for (const line of lines) byRequest.set(line.request_id, [...(byRequest.get(line.request_id) ?? []), line]);
    expect([...byRequest.keys()].sort()).toEqual(contexts.map((context) => context.requestId).sort());
    contexts.forEach((context, i) => {
      const call = callOf(i);
      const own = byRequest.get(context.requestId)!;
      for (const line of own) expect(line).toMatchObject({ method: call.method, path: call.path, cold_start: i === 0 });
      const outcome = own.at(-1)!;
      expect(outcome).toMatchObject({ status: call.status });
      // The app key is known once the signature is verified: on the outcome line of every signed call only.
      if (call.appKey) expect(outcome.app_key).toBe(call.appKey);
      else expect(outcome).not.toHaveProperty('app_key');
    });
  });
});
