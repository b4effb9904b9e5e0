import { signApiGatewayRequest, type Env } from '@hotpatch/common';
import { apiGatewayEvent, fcContext } from '@hotpatch/common/testing';
import { createPublishBundleFunction } from './index';

const APP_KEY = 'release-bot';
const APP_SECRET = 'release-bot-secret-000';

/** publishBundle as FC runs it, from an environment; the log lines it writes are kept. */
function deploy(env: Env) {
  const log: Record<string, unknown>[] = [];
  const handler = createPublishBundleFunction(
    { HOTPATCH_LOG_LEVEL: 'info', ...env },
    { writeLog: (line) => log.push(JSON.parse(line)) },
  );
  const call = async (path: string, options: { signed?: boolean; method?: string } = {}) => {
    const method = options.method ?? 'GET';
    const headers =
      options.signed === false
        ? {}
        : signApiGatewayRequest({
            appKey: APP_KEY,
            appSecret: APP_SECRET,
            method,
            path,
            query: {},
            body: Buffer.alloc(0),
          });
    const response = await handler(apiGatewayEvent({ method, path, headers }), fcContext());
    return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) };
  };
  return { call, log };
}

const configured = { HOTPATCH_STORAGE: 'memory', HOTPATCH_APP_KEYS: `${APP_KEY}:${APP_SECRET}` };

describe('publishBundle health and configuration errors', () => {
  it('answers GET /v1/manage/health to a signed caller when configured, and refuses an unsigned one', async () => {
    const { call } = deploy(configured);
    expect(await call('/v1/manage/health')).toMatchObject({
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      body: { status: 'ok', storage: 'memory' },
    });
    expect((await call('/v1/manage/health', { signed: false })).status).toBe(401);
  });

  it('without HOTPATCH_APP_KEYS answers every route 500 ConfigError and logs the variable first, once', async () => {
    const { call, log } = deploy({ HOTPATCH_STORAGE: 'memory' });
    for (const path of ['/v1/manage/health', '/v1/apps', '/v1/manage/health']) {
      expect(await call(path)).toMatchObject({
        status: 500,
        headers: { 'Cache-Control': 'no-store' },
        body: { error: { code: 'ConfigError', message: 'configuration error: see function log' } },
      });
    }
    expect(log[0]).toMatchObject({
      level: 'error',
      variable: 'HOTPATCH_APP_KEYS',
      message: expect.stringContaining('HOTPATCH_APP_KEYS: is required but not set'),
    });
    expect(log.filter((line) => line.level === 'error')).toHaveLength(1);
  });

  it('with a malformed HOTPATCH_APP_KEYS names the variable in the log, never the secret', async () => {
    const { call, log } = deploy({ HOTPATCH_STORAGE: 'memory', HOTPATCH_APP_KEYS: 'release-bot:tooshort' });
    expect((await call('/v1/apps')).body.error.code).toBe('ConfigError');
    expect(log[0]).toMatchObject({ level: 'error', variable: 'HOTPATCH_APP_KEYS' });
    expect(JSON.stringify(log)).not.toContain('tooshort');
  });

  it('with app keys but broken storage names the variable to a signed caller of the health route only', async () => {
    const { call, log } = deploy({ HOTPATCH_APP_KEYS: `${APP_KEY}:${APP_SECRET}` }); // HOTPATCH_STORAGE defaults to oss: no bucket
    expect(await call('/v1/manage/health')).toMatchObject({
      status: 500,
      body: {
        status: 'misconfigured',
        error: {
          code: 'ConfigError',
          variable: 'HOTPATCH_OSS_BUCKET',
          message: expect.stringContaining('HOTPATCH_OSS_BUCKET: is required'),
        },
      },
    });
    expect(await call('/v1/manage/health', { signed: false })).toMatchObject({ status: 401 });
    expect(await call('/v1/apps')).toMatchObject({
      status: 500,
      body: { error: { code: 'ConfigError', message: 'configuration error: see function log' } },
    });
    expect(log.find((line) => line.level === 'error')).toMatchObject({ variable: 'HOTPATCH_OSS_BUCKET' });
  });
});
