/**
 * A store build's identity follows the rules devices are matched by (core `runtimeVersionProblem`,
 * `UUID_PATTERN`): a runtime version no device can send is refused before anything is written, never a 201
 * for a build that never matches.
 */
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import {
  createAppRegistry,
  createLogger,
  createMemoryStore,
  errorToHttpResponse,
  patchLimits,
  listAllKeys,
  type HttpRequest,
} from '@hotpatch/common';
import { handleRegisterBuild } from './handleBuilds';

const logger = createLogger({ service: 'test', level: 'error', write: () => undefined });
const EMBEDDED = '0e1b2c3d-0000-4000-8000-00000000e0b0';

async function register(identity: Record<string, string>) {
  const store = createMemoryStore();
  const registry = createAppRegistry(store);
  await registry.create({ name: 'shop', platforms: ['ios'] });
  const request: HttpRequest = {
    method: 'POST',
    path: '/v1/apps/shop/ios/builds',
    query: {},
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ ...identity, bundleGzipBase64: gzipSync('bundle').toString('base64') })),
    pathParameters: { app: 'shop', platform: 'ios' },
    sourceIp: '127.0.0.1',
  };
  const dependencies = {
    store,
    registry,
    now: () => new Date('2026-01-01T00:00:00Z'),
    tempDirectory: tmpdir(),
    patches: { maxBases: 0, maxRatio: 0.3, ...patchLimits('publishBundle') },
  };
  const response = await handleRegisterBuild(request, dependencies, logger).catch((error: unknown) =>
    errorToHttpResponse(error, logger),
  );
  const body = JSON.parse(String(response.body)) as { error?: { message: string } };
  return {
    outcome: { status: response.statusCode, message: body.error?.message },
    keys: await listAllKeys(store, { prefix: 'build' }),
  };
}

describe('registering an Expo build: the runtime version and update id rules devices are matched by', () => {
  it.each([
    ['a trailing space', '1.0.0 ', 'without leading or trailing spaces'],
    ['a leading space', ' 1.0.0', 'without leading or trailing spaces'],
    ['256 characters', 'x'.repeat(256), '1-255 printable ASCII'],
    ['a control character', '1.0\u0001', 'printable ASCII'],
  ])('%s: 400, nothing written', async (_name, runtimeVersion, message) => {
    const { outcome, keys } = await register({ runtimeVersion, embeddedUpdateId: EMBEDDED });
    expect(outcome.status).toBe(400);
    expect(outcome.message).toContain(message);
    expect(keys).toEqual([]);
  });

  it('a runtime version a device can send: 201, written', async () => {
    const { outcome, keys } = await register({ runtimeVersion: 'exposdk:52.0.0', embeddedUpdateId: EMBEDDED });
    expect(outcome.status).toBe(201);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('an embedded update id that is no UUID: 400', async () => {
    const { outcome } = await register({ runtimeVersion: '1.0.0', embeddedUpdateId: 'not-a-uuid' });
    expect(outcome).toEqual({ status: 400, message: 'embeddedUpdateId must be a UUID' });
  });
});
