import {
  createAppRegistry,
  createLogger,
  createMemoryStore,
  errorToHttpResponse,
  listAllKeys,
  readJson,
  writeJson,
  type HttpRequest,
  type HttpResponse,
  type InvocationContext,
  type ObjectStore,
} from '@hotpatch/common';
import { metricsKeys, parseMetricDeltas, storageKeys } from '@hotpatch/core';
import { expoCaseId, expoCatalog } from '@hotpatch/core/testing';
import { createGetLatestBundleHandler } from './createGetLatestBundleHandler';
import { createSignalBuffer } from './createSignalBuffer';
import { loadCheckConfig } from './loadCheckConfig';

const logger = createLogger({ service: 'test', level: 'error', write: () => undefined });
const context: InvocationContext = {
  requestId: 'test',
  functionName: 'getLatestBundle',
  logger,
  credentials: undefined,
};
const deployment = { app: 'shop', platform: 'ios' as const, channel: 'production' };
const EMBEDDED = 'eeeeeeee-0000-4000-8000-000000000000';
const v1 = expoCaseId(1);
const v2 = expoCaseId(2);

const request = (headers: Record<string, string>): HttpRequest => ({
  method: 'GET',
  path: '/v1/expo/shop/manifest',
  query: {},
  headers: {
    'expo-platform': 'ios',
    'expo-protocol-version': '1',
    'expo-runtime-version': '1',
    'expo-embedded-update-id': EMBEDDED,
    accept: 'multipart/mixed',
    ...headers,
  },
  body: Buffer.alloc(0),
  pathParameters: {},
  sourceIp: '127.0.0.1',
});

/** The reports written under the deployment, each as its deltas. */
async function reports(store: ObjectStore): Promise<(Record<string, number> | null)[]> {
  const keys = await listAllKeys(store, { prefix: metricsKeys.prefix(deployment) });
  return Promise.all(
    keys.map((key) =>
      readJson(store, key, (json) => Object.fromEntries(parseMetricDeltas((json as { deltas: unknown }).deltas))),
    ),
  );
}

async function setup() {
  const store = createMemoryStore();
  await createAppRegistry(store).create({ name: 'shop', platforms: ['ios'] });
  await writeJson(
    store,
    storageKeys.catalog(deployment),
    expoCatalog(deployment, [{ runtimeVersion: '1' }, { runtimeVersion: '1' }]),
  );
  let now = Date.parse('2026-12-01T00:00:00Z');
  const clock = (): Date => new Date(now);
  const signals = createSignalBuffer({ store, now: clock, flushEverySeconds: 60 });
  const handler = createGetLatestBundleHandler({
    store,
    config: loadCheckConfig({ HOTPATCH_CATALOG_TTL_SECONDS: '10' }),
    now: clock,
    signals,
  });
  const handle = (headers: Record<string, string>): Promise<HttpResponse> =>
    handler(request(headers), context).catch((error: unknown) => errorToHttpResponse(error, logger));
  return { store, signals, handle, advance: (ms: number) => (now += ms) };
}

const device = (index: number, headers: Record<string, string> = {}): Record<string, string> => ({
  'eas-client-id': `device-${index}`,
  'expo-current-update-id': v2,
  ...headers,
});

describe('GET /v1/expo/:app/manifest counts launches without a write per request', () => {
  it('installs, active devices and failures, each device once, written as one report per period', async () => {
    const { store, handle, signals, advance } = await setup();
    for (let round = 0; round < 3; round += 1)
      for (let index = 0; index < 20; index += 1) expect((await handle(device(index))).statusCode).toBe(200);
    // Four of them fail v2 on a later launch and are back on their embedded update; they say so on every request.
    for (let round = 0; round < 3; round += 1)
      for (let index = 0; index < 4; index += 1)
        expect(
          (
            await handle(
              device(index, { 'expo-current-update-id': EMBEDDED, 'expo-recent-failed-update-ids': `"${v2}"` }),
            )
          ).statusCode,
        ).toBe(200);
    // A device without eas-client-id is answered and not counted.
    expect(
      (await handle({ 'expo-current-update-id': v2, 'expo-recent-failed-update-ids': `"${v1}"` })).statusCode,
    ).toBe(200);
    expect(await reports(store)).toEqual([]);
    advance(60_000);
    // The first request after the period flushes, whatever it carries.
    expect((await handle({})).statusCode).toBe(200);
    await signals.flush();
    expect(await reports(store)).toEqual([
      { 'v2:UnverifiedSucceeded': 20, 'v2:UnverifiedActive': 16, 'v2:UnverifiedFailed': 4 },
    ]);
  });

  it.each([
    ['not an SFV list', `"${v2}`],
    ['tokens, not strings', 'abc, def'],
    ['strings that are not UUIDs', '"not-a-uuid", "42"'],
    ['longer than any device sends', Array.from({ length: 20 }, () => `"${v2}"`).join(', ')],
    ['inner lists', `("${v2}")`],
  ])('a malformed Expo-Recent-Failed-Update-IDs (%s) is ignored: answered as without it', async (_, value) => {
    const { store, handle, signals } = await setup();
    const plain = await handle(device(1));
    const response = await handle(device(2, { 'expo-recent-failed-update-ids': value }));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(plain.headers['content-type']);
    await signals.flush();
    expect(await reports(store)).toEqual([{ 'v2:UnverifiedSucceeded': 2, 'v2:UnverifiedActive': 2 }]);
  });

  it('reads ids in any case, skips items that are no UUID and reads at most 8', async () => {
    const { store, handle, signals } = await setup();
    const others = Array.from({ length: 7 }, (_, index) => `"${expoCaseId(100 + index)}"`);
    const value = [`"${v1.toUpperCase()}"`, '"junk"', ...others, `"${v2}"`].join(', ');
    expect((await handle(device(1, { 'expo-recent-failed-update-ids': value }))).statusCode).toBe(200);
    await signals.flush();
    // v1 (upper case on the wire) counts; v2 is the ninth UUID and is not read.
    expect(await reports(store)).toEqual([
      { 'v1:UnverifiedFailed': 1, 'v2:UnverifiedSucceeded': 1, 'v2:UnverifiedActive': 1 },
    ]);
  });
});
