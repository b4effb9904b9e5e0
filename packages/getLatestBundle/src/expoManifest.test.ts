import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  createAppRegistry,
  createLogger,
  createMemoryStore,
  errorToHttpResponse,
  sealExpoSigningKey,
  writeJson,
  type HttpRequest,
  type HttpResponse,
  type InvocationContext,
} from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import { expoCaseId, expoCatalog } from '@hotpatch/core/testing';
import { createGetLatestBundleHandler } from './createGetLatestBundleHandler';
import { createExpoResponder } from './expoResponses';
import { loadCheckConfig } from './loadCheckConfig';
import { MAX_ACCEPT_LENGTH } from './parseExpoRequest';

const logger = createLogger({ service: 'test', level: 'error', write: () => undefined });
const context: InvocationContext = {
  requestId: 'test',
  functionName: 'getLatestBundle',
  logger,
  credentials: undefined,
};
const kek = randomBytes(32);
const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

const request = (headers: Record<string, string>): HttpRequest => ({
  method: 'GET',
  path: '/v1/expo/shop/manifest',
  query: {},
  headers: { 'expo-platform': 'ios', 'expo-protocol-version': '1', 'expo-runtime-version': '1', ...headers },
  body: Buffer.alloc(0),
  pathParameters: {},
  sourceIp: '127.0.0.1',
});

async function setup() {
  const store = createMemoryStore();
  await createAppRegistry(store).create({ name: 'shop', platforms: ['ios'] });
  const deployment = { app: 'shop', platform: 'ios' as const, channel: 'production' };
  await writeJson(store, storageKeys.catalog(deployment), expoCatalog(deployment, [{ runtimeVersion: '1' }]));
  await writeJson(
    store,
    storageKeys.expoSigningKey('shop'),
    sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, kek),
  );
  const responder = createExpoResponder();
  const handler = createGetLatestBundleHandler({
    store,
    config: { ...loadCheckConfig({ HOTPATCH_CATALOG_TTL_SECONDS: '10' }), expoKeyEncryptionKeys: [kek] },
    expoResponder: responder,
  });
  const handle = (headers: Record<string, string>): Promise<HttpResponse> =>
    handler(request(headers), context).catch((error: unknown) => errorToHttpResponse(error, logger));
  return { responder, handle };
}

describe('GET /v1/expo/:app/manifest: signatures and negotiation', () => {
  it('signs each (update, body) once: a thousand signed requests compute one signature per answer', async () => {
    const { responder, handle } = await setup();
    const signed = { 'expo-expect-signature': 'sig, keyid="main"', accept: 'multipart/mixed' };
    for (let index = 0; index < 1000; index += 1) expect((await handle(signed)).statusCode).toBe(200);
    expect(responder.signatures).toBe(1);
    const current = { ...signed, 'expo-current-update-id': expoCaseId(1) };
    for (let index = 0; index < 1000; index += 1)
      expect(String((await handle(current)).body)).toContain('noUpdateAvailable');
    expect(responder.signatures).toBe(2);
  });

  it.each([
    [
      'multipart preferred by default',
      'multipart/mixed,application/expo+json,application/json',
      false,
      'multipart/mixed',
    ],
    [
      'q-values: JSON preferred for a manifest',
      'application/json;q=1, multipart/mixed;q=0.5',
      false,
      'application/json',
    ],
    [
      'q-values: multipart still carries a directive',
      'application/json;q=1, multipart/mixed;q=0.5',
      true,
      'multipart/mixed',
    ],
    ['wildcards', '*/*', false, 'multipart/mixed'],
    ['application/*', 'application/*', false, 'application/expo+json'],
    ['no Accept header at all', '', false, 'multipart/mixed'],
  ])('Accept: %s', async (_name, accept, directive, type) => {
    const { handle } = await setup();
    const response = await handle({ accept, ...(directive ? { 'expo-current-update-id': expoCaseId(1) } : {}) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
  });

  it(`an Accept longer than ${MAX_ACCEPT_LENGTH} characters is a 400 naming it, before anything is parsed`, async () => {
    const { handle } = await setup();
    const longest = `multipart/mixed,${'x'.repeat(MAX_ACCEPT_LENGTH - 'multipart/mixed,'.length)}`;
    expect((await handle({ accept: longest })).statusCode).toBe(200);
    const response = await handle({ accept: `${longest},` });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body))).toMatchObject({
      error: { message: `accept is longer than ${MAX_ACCEPT_LENGTH} characters` },
    });
  });

  it.each([
    ['256 characters', 'x'.repeat(256), '1-255 printable ASCII'],
    ['a leading space', ' 1', 'without leading or trailing spaces'],
  ])(
    'expo-runtime-version with %s: 400, the rule a published runtime version follows',
    async (_name, value, message) => {
      const { handle } = await setup();
      const response = await handle({ 'expo-runtime-version': value });
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(String(response.body))).toMatchObject({
        error: { message: expect.stringContaining(`expo-runtime-version: runtime version`) },
      });
      expect(String(response.body)).toContain(message);
    },
  );

  it('q=0 excludes a type: a directive to a device that refuses multipart is a 406', async () => {
    const { handle } = await setup();
    const response = await handle({
      accept: 'multipart/mixed;q=0, application/json',
      'expo-current-update-id': expoCaseId(1),
    });
    expect(response.statusCode).toBe(406);
  });

  it('a stored key the function cannot open is a configuration error (500, logged), never an unsigned answer', async () => {
    const store = createMemoryStore();
    await createAppRegistry(store).create({ name: 'shop', platforms: ['ios'] });
    await writeJson(
      store,
      storageKeys.expoSigningKey('shop'),
      sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, kek),
    );
    const handler = createGetLatestBundleHandler({
      store,
      config: { ...loadCheckConfig({}), expoKeyEncryptionKeys: [randomBytes(32)] },
    });
    const response = await handler(request({ 'expo-expect-signature': 'sig' }), context).catch((error: unknown) =>
      errorToHttpResponse(error, logger),
    );
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(String(response.body))).toEqual({
      error: { code: 'ConfigError', message: 'configuration error: see function log' },
    });
  });
});
