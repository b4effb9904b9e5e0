import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signApiGatewayRequest, type Env, type FcHttpFunction } from '@hotpatch/common';
import {
  apiGatewayEvent,
  fcContext,
  fcHttpTriggerEvent,
  startFc2HttpTrigger,
  type Fc2HttpTrigger,
} from '@hotpatch/common/testing';
import { createGetLatestBundleFunction } from '@hotpatch/get-latest-bundle';
import { createPublishBundleFunction } from '@hotpatch/publish-bundle';

const APP_KEY = 'release-bot';
const APP_SECRET = 'release-bot-secret-000';

interface Call {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}
type Send = (fn: FcHttpFunction, call: Call) => Promise<{ status: number; body: any }>;

/** JSON answers parsed; CodePush's plain-text "OK" kept as text. */
const parse = (text: string): any => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const triggers = new Map<FcHttpFunction, Fc2HttpTrigger>();

/** Each way FC delivers an HTTP request to the same exported handler, with the shapes FC builds. */
const shapes: [string, Send][] = [
  [
    'API Gateway event',
    async (fn, call) => {
      const response = await fn(
        apiGatewayEvent({
          method: call.method,
          path: call.path,
          query: call.query ?? {},
          headers: call.headers ?? {},
          body: call.body ?? '',
        }),
        fcContext(),
      );
      return {
        status: response.statusCode,
        body: parse(response.isBase64Encoded ? Buffer.from(response.body, 'base64').toString() : response.body),
      };
    },
  ],
  [
    'FC 3.0 HTTP trigger event',
    async (fn, call) => {
      const response = await fn(
        fcHttpTriggerEvent({
          method: call.method,
          path: call.path,
          query: call.query ?? {},
          headers: call.headers ?? {},
          body: call.body ?? '',
        }),
        fcContext(),
      );
      return { status: response.statusCode, body: parse(response.body) };
    },
  ],
  [
    'FC 2.0 HTTP trigger (request, response, context)',
    async (fn, call) => {
      let trigger = triggers.get(fn);
      if (!trigger) triggers.set(fn, (trigger = await startFc2HttpTrigger(fn)));
      const search = new URLSearchParams(call.query ?? {}).toString();
      const response = await fetch(`${trigger.url}${call.path}${search ? `?${search}` : ''}`, {
        method: call.method,
        headers: call.headers ?? {},
        ...(call.body ? { body: call.body } : {}),
      });
      return { status: response.status, body: parse(await response.text()) };
    },
  ],
];

let dataDir: string;
let functions: { check: FcHttpFunction; manage: FcHttpFunction };

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'hotpatch-shapes-'));
  const env: Env = {
    HOTPATCH_STORAGE: 'fs',
    HOTPATCH_FS_DIR: dataDir,
    HOTPATCH_APP_KEYS: `${APP_KEY}:${APP_SECRET}`,
    HOTPATCH_LOG_LEVEL: 'error',
  };
  functions = { check: createGetLatestBundleFunction(env), manage: createPublishBundleFunction(env) };
});

afterAll(async () => {
  await Promise.all([...triggers.values()].map((trigger) => trigger.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

const signed = (call: Call): Call => {
  const body = Buffer.from(call.body ?? '');
  const headers = signApiGatewayRequest({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    method: call.method,
    path: call.path,
    query: call.query ?? {},
    body,
  });
  return { ...call, headers: { ...call.headers, ...headers } };
};

describe.each(shapes)('the functions answer through %s', (shape, send) => {
  const app = `shop-${shapes.findIndex(([name]) => name === shape)}`;
  let deploymentKey = '';

  it('publishBundle: a signed POST with a JSON body creates an app, a signed GET shows it, health is ok', async () => {
    const created = await send(
      functions.manage,
      signed({ method: 'POST', path: '/v1/apps', body: JSON.stringify({ name: app, platforms: ['ios'] }) }),
    );
    expect(created).toMatchObject({ status: 201, body: { app: { name: app, platforms: ['ios'] } } });
    const shown = await send(functions.manage, signed({ method: 'GET', path: `/v1/apps/${app}` }));
    expect(shown).toMatchObject({
      status: 200,
      body: { app: { channels: { staging: { deploymentKeys: { ios: expect.any(String) } } } } },
    });
    deploymentKey = shown.body.app.channels.staging.deploymentKeys.ios;
    expect(await send(functions.manage, signed({ method: 'GET', path: '/v1/manage/health' }))).toEqual({
      status: 200,
      body: { status: 'ok', storage: 'fs' },
    });
    expect((await send(functions.manage, { method: 'GET', path: '/v1/apps' })).status).toBe(401);
  });

  it('getLatestBundle: health, a check with query parameters, and a CodePush report with a body', async () => {
    expect(await send(functions.check, { method: 'GET', path: '/v1/health' })).toEqual({
      status: 200,
      body: { status: 'ok', storage: 'fs' },
    });
    const check = await send(functions.check, {
      method: 'GET',
      path: '/v1/check',
      query: { app, platform: 'ios', channel: 'staging', appVersion: '1.0.0', clientId: 'device-1' },
    });
    expect(check).toEqual({ status: 200, body: { status: 'upToDate' } });
    const missing = await send(functions.check, {
      method: 'GET',
      path: '/v1/check',
      query: { app, platform: 'ios', channel: 'staging' },
    });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'BadRequest' } } });
    const report = await send(functions.check, {
      method: 'POST',
      path: '/v0.1/public/codepush/report_status/deploy',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ deploymentKey, appVersion: '1.0.0', clientUniqueId: 'device-1' }),
    });
    expect(report).toEqual({ status: 200, body: 'OK' });
  });
});
