import { randomUUID } from 'node:crypto';
import { ConfigError, contentMd5, signApiGatewayRequest, signGatewayBackendRequest } from '@hotpatch/common';
import { apiGatewayEvent, fcContext } from '@hotpatch/common/testing';
import { createPublishBundleFunction } from './index';
import { loadPublishConfig } from './loadPublishConfig';

const GATEWAY_KEY = 'hotpatch-backend';
const GATEWAY_SECRET = 'backend-signature-secret-0123';
const ENV = {
  HOTPATCH_STORAGE: 'memory',
  HOTPATCH_LOG_LEVEL: 'error',
  HOTPATCH_AUTH_MODE: 'gateway',
  HOTPATCH_GATEWAY_SIGNATURE_KEY: GATEWAY_KEY,
  HOTPATCH_GATEWAY_SIGNATURE_SECRET: GATEWAY_SECRET,
  // Behind the gateway the app secrets live in API Gateway; HOTPATCH_APP_KEYS only names the keys and scopes.
  HOTPATCH_APP_KEYS: '203753::admin,ci-bot-1::read:shop',
};

interface GatewayCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
  /** The app the gateway authenticated, mapped from its system parameter CaAppKey to the header X-Ca-Key. */
  appKey?: string;
  signedHeaders?: string[];
  key?: string;
  secret?: string;
  /** Headers changed after the gateway signed (a tampered or forged request). */
  tamper?: Record<string, string>;
  /** More headers the gateway forwards (sign them by naming them in signedHeaders). */
  extraHeaders?: Record<string, string>;
}

/**
 * The API Gateway → FC event for a call the gateway forwards: the client's own headers as the gateway passes
 * them on (here an HmacSHA1 client signature, which direct mode refuses), a rewritten Content-Type, X-Ca-Key
 * from CaAppKey, and the backend signature headers, with header names as the gateway writes them.
 */
function gatewayEvent(call: GatewayCall): Buffer {
  const query = call.query ?? {};
  const body = Buffer.from(call.body ?? '');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=UTF-8',
    'X-Ca-Signature-Method': 'HmacSHA1',
    'X-Ca-Signature': 'client-signature-the-gateway-already-checked=',
    'X-Ca-Key': call.appKey ?? '203753',
    'X-Forwarded-For': '203.0.113.7',
    ...call.extraHeaders,
  };
  const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const signature = signGatewayBackendRequest({
    key: call.key ?? GATEWAY_KEY,
    secret: call.secret ?? GATEWAY_SECRET,
    request: { method: call.method, path: call.path, query, headers: lowerCased, body },
    signedHeaders: call.signedHeaders ?? ['X-Ca-Key'],
  });
  const sent: Record<string, string> = {
    ...headers,
    'X-Ca-Proxy-Signature': signature['x-ca-proxy-signature']!,
    'X-Ca-Proxy-Signature-Secret-Key': signature['x-ca-proxy-signature-secret-key']!,
    'X-Ca-Proxy-Signature-Headers': signature['x-ca-proxy-signature-headers']!,
    ...call.tamper,
  };
  return apiGatewayEvent({ method: call.method, path: call.path, query, headers: sent, body: call.body ?? '' });
}

async function invoke(
  handler: ReturnType<typeof createPublishBundleFunction>,
  event: Buffer,
): Promise<{ status: number; body: any }> {
  const response = await handler(event, fcContext());
  const text = response.isBase64Encoded
    ? Buffer.from(String(response.body), 'base64').toString('utf8')
    : String(response.body);
  return { status: response.statusCode, body: JSON.parse(text) };
}

describe('gateway mode (HOTPATCH_AUTH_MODE=gateway)', () => {
  it('accepts a call the gateway signed, as the app key it names, whatever the client signed with', async () => {
    const handler = createPublishBundleFunction(ENV);
    expect(
      await invoke(
        handler,
        gatewayEvent({ method: 'POST', path: '/v1/apps', body: '{"name":"shop","platforms":["ios"]}' }),
      ),
    ).toMatchObject({ status: 201, body: { app: { name: 'shop' } } });
    expect(await invoke(handler, gatewayEvent({ method: 'GET', path: '/v1/apps', query: { verbose: '' } }))).toEqual({
      status: 200,
      body: { apps: [{ name: 'shop', platforms: ['ios'], channels: ['staging', 'production'] }] },
    });
  });

  it('applies the scope of the key the gateway names', async () => {
    const handler = createPublishBundleFunction(ENV);
    await invoke(
      handler,
      gatewayEvent({ method: 'POST', path: '/v1/apps', body: '{"name":"shop","platforms":["ios"]}' }),
    );
    expect(
      await invoke(handler, gatewayEvent({ method: 'GET', path: '/v1/apps/shop', appKey: 'ci-bot-1' })),
    ).toMatchObject({ status: 200 });
    expect(
      await invoke(
        handler,
        gatewayEvent({ method: 'POST', path: '/v1/apps/shop/channels', appKey: 'ci-bot-1', body: '{"name":"beta"}' }),
      ),
    ).toEqual({
      status: 403,
      body: {
        error: {
          code: 'Forbidden',
          message: 'key "ci-bot-1" may not add channels: needs role admin on app shop (it has read on shop)',
        },
      },
    });
  });

  it.each<[string, GatewayCall, number, string]>([
    [
      'no backend signature (the function reached directly)',
      { method: 'GET', path: '/v1/apps', tamper: { 'X-Ca-Proxy-Signature': '' } },
      401,
      'X-Ca-Proxy-Signature is missing',
    ],
    [
      'a signature by another backend key',
      { method: 'GET', path: '/v1/apps', key: 'other-key' },
      401,
      'X-Ca-Proxy-Signature-Secret-Key "other-key" is not the configured backend signature key',
    ],
    [
      'a signature with the wrong secret',
      { method: 'GET', path: '/v1/apps', secret: 'not-the-backend-secret' },
      401,
      'API Gateway backend signature does not match',
    ],
    [
      'an app key swapped after signing',
      { method: 'GET', path: '/v1/apps', appKey: 'ci-bot-1', tamper: { 'X-Ca-Key': '203753' } },
      401,
      'signature does not match',
    ],
    [
      'an app key the gateway did not sign',
      { method: 'GET', path: '/v1/apps', signedHeaders: ['X-Forwarded-For'] },
      401,
      'X-Ca-Proxy-Signature-Headers must include X-Ca-Key',
    ],
    [
      'an app the gateway knows but HOTPATCH_APP_KEYS does not',
      { method: 'GET', path: '/v1/apps', appKey: 'stranger-app' },
      403,
      'app key "stranger-app" is not a management key',
    ],
  ])('refuses %s', async (_case, call, status, message) => {
    const answer = await invoke(createPublishBundleFunction(ENV), gatewayEvent(call));
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toContain(message);
  });

  it('refuses a body changed after the gateway signed it', async () => {
    const signed = JSON.parse(
      gatewayEvent({ method: 'POST', path: '/v1/apps', body: '{"name":"shop","platforms":["ios"]}' }).toString(),
    );
    const forged = Buffer.from(JSON.stringify({ ...signed, body: '{"name":"evil","platforms":["ios"]}' }));
    const handler = createPublishBundleFunction(ENV);
    expect(await invoke(handler, forged)).toMatchObject({
      status: 401,
      body: { error: { message: expect.stringContaining('signature does not match') } },
    });
    expect((await invoke(handler, gatewayEvent({ method: 'GET', path: '/v1/apps' }))).body.apps).toEqual([]);
  });

  it('applies a PATCH body only when the gateway signed a Content-MD5 that matches it', async () => {
    const handler = createPublishBundleFunction(ENV);
    const path = '/v1/apps/shop/ios/staging/releases/v1';
    const body = '{"rollout":10}';
    const unsigned = await invoke(handler, gatewayEvent({ method: 'PATCH', path, body }));
    expect(unsigned).toMatchObject({
      status: 401,
      body: { error: { message: expect.stringContaining('not covered by the backend signature') } },
    });
    const signedMd5 = {
      method: 'PATCH',
      path,
      body,
      extraHeaders: { 'Content-MD5': contentMd5(Buffer.from(body)) },
      signedHeaders: ['X-Ca-Key', 'Content-MD5'],
    };
    expect((await invoke(handler, gatewayEvent(signedMd5))).status).not.toBe(401);
    const swapped = JSON.parse(gatewayEvent(signedMd5).toString());
    const forged = Buffer.from(
      JSON.stringify({
        ...swapped,
        body: Buffer.from('{"rollout":100,"mandatory":true}').toString(swapped.isBase64Encoded ? 'base64' : 'utf8'),
      }),
    );
    expect(await invoke(handler, forged)).toMatchObject({ status: 401 });
  });

  it('refuses a replayed or stale call when the gateway signs X-Ca-Timestamp and X-Ca-Nonce', async () => {
    const handler = createPublishBundleFunction(ENV);
    const fresh = (timestamp: number) =>
      gatewayEvent({
        method: 'GET',
        path: '/v1/apps',
        extraHeaders: { 'X-Ca-Timestamp': String(timestamp), 'X-Ca-Nonce': randomUUID() },
        signedHeaders: ['X-Ca-Key', 'X-Ca-Timestamp', 'X-Ca-Nonce'],
      });
    const call = fresh(Date.now());
    expect((await invoke(handler, call)).status).toBe(200);
    expect(await invoke(handler, call)).toMatchObject({
      status: 401,
      body: { error: { message: expect.stringContaining('replayed request') } },
    });
    expect(await invoke(handler, fresh(Date.now() - 20 * 60 * 1000))).toMatchObject({
      status: 401,
      body: { error: { message: expect.stringContaining('15 minutes') } },
    });
  });

  it("refuses the client's own app signature: in gateway mode only the gateway's counts", async () => {
    const headers = signApiGatewayRequest({
      appKey: '203753',
      appSecret: 'the-gateway-holds-this-secret',
      method: 'GET',
      path: '/v1/apps',
    });
    expect(
      await invoke(createPublishBundleFunction(ENV), apiGatewayEvent({ method: 'GET', path: '/v1/apps', headers })),
    ).toMatchObject({ status: 401 });
  });

  it('refuses to start without the backend signature key pair, naming the missing setting', () => {
    const { HOTPATCH_GATEWAY_SIGNATURE_SECRET: _secret, ...incomplete } = ENV;
    expect(() => loadPublishConfig(incomplete)).toThrow(ConfigError);
    expect(() => loadPublishConfig(incomplete)).toThrow('HOTPATCH_GATEWAY_SIGNATURE_SECRET: is required but not set');
    expect(() => loadPublishConfig({ ...ENV, HOTPATCH_AUTH_MODE: 'proxy' })).toThrow(
      'HOTPATCH_AUTH_MODE: expected one of direct, gateway, got "proxy"',
    );
    const weak = () => loadPublishConfig({ ...ENV, HOTPATCH_GATEWAY_SIGNATURE_SECRET: 'short-secret' });
    expect(weak).toThrow('HOTPATCH_GATEWAY_SIGNATURE_SECRET: is shorter than 16 characters');
    expect(weak).not.toThrow('short-secret');
  });
});

describe('direct mode (the default)', () => {
  it('still verifies the client signature and ignores gateway headers', async () => {
    const env = {
      HOTPATCH_STORAGE: 'memory',
      HOTPATCH_LOG_LEVEL: 'error',
      HOTPATCH_APP_KEYS: 'direct-key:direct-secret-0123456',
    };
    const handler = createPublishBundleFunction(env);
    expect(await invoke(handler, gatewayEvent({ method: 'GET', path: '/v1/apps' }))).toMatchObject({ status: 401 });
    const headers = signApiGatewayRequest({
      appKey: 'direct-key',
      appSecret: 'direct-secret-0123456',
      method: 'GET',
      path: '/v1/apps',
    });
    expect(await invoke(handler, apiGatewayEvent({ method: 'GET', path: '/v1/apps', headers }))).toEqual({
      status: 200,
      body: { apps: [] },
    });
  });
});
