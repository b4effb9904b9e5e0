import { createCredentialsSource } from '../config/createCredentialsSource';
import { BadRequestError, NotFoundError, StorageError } from '../errors';
import { createRouter } from '../http/createRouter';
import { jsonResponse } from '../http/jsonResponse';
import { createLogger } from '../logging';
import { ConfigError } from '../errors';
import { apiGatewayEvent, fcContext, fcHttpTriggerEvent, startFc2HttpTrigger, type Fc2HttpTrigger } from '../testing';
import { createFcHttpHandler } from './createFcHttpHandler';
import { parseHttpEvent, toFcHttpResponse } from './httpEvent';

describe('parseHttpEvent', () => {
  it('reads the API Gateway event shape, decoding a Base64 body', () => {
    const { request, source } = parseHttpEvent(
      apiGatewayEvent({
        method: 'POST',
        path: '/v1/apps',
        query: { a: '1' },
        headers: { 'Content-Type': 'application/json', 'X-Ca-Key': 'k' },
        body: Buffer.from('{"x":1}'),
      }),
    );
    expect(source).toBe('apiGateway');
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/apps',
      query: { a: '1' },
      headers: { 'content-type': 'application/json', 'x-ca-key': 'k' },
    });
    expect(request.body.toString()).toBe('{"x":1}');
  });

  it('reads the FC 3.0 HTTP trigger shape, with the decoded path and source IP', () => {
    const { request, source } = parseHttpEvent(
      fcHttpTriggerEvent({ path: '/v1/check', query: { app: 'demo' }, headers: { Accept: 'application/json' } }),
    );
    expect(source).toBe('fcHttpTrigger');
    expect(request).toMatchObject({
      method: 'GET',
      path: '/v1/check',
      query: { app: 'demo' },
      headers: { accept: 'application/json' },
      sourceIp: '11.11.11.11',
    });
  });

  it('takes the event as a string or an object too', () => {
    const text = apiGatewayEvent({ path: '/x' }).toString();
    expect(parseHttpEvent(text).request.path).toBe('/x');
    expect(parseHttpEvent(JSON.parse(text)).request.path).toBe('/x');
  });

  it('keeps __proto__, constructor and hasOwnProperty as plain names in headers and query, touching no prototype', () => {
    // Written as text: in an object literal `__proto__` would set the literal's prototype, not a name.
    const event =
      '{"httpMethod":"GET","path":"/v1/check","headers":{"__proto__":"a","Constructor":"b"},"queryParameters":{"__proto__":"c","hasOwnProperty":"d"},"pathParameters":{}}';
    const { request } = parseHttpEvent(Buffer.from(event));
    expect(Object.entries(request.headers)).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'b'],
    ]);
    expect(Object.entries(request.query)).toEqual([
      ['__proto__', 'c'],
      ['hasOwnProperty', 'd'],
    ]);
    expect(request.query.constructor).toBeUndefined();
    expect(request.headers.toString).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('a');
    expect(({} as Record<string, unknown>).c).toBeUndefined();
  });

  it('refuses events of the wrong shape with BadRequestError', () => {
    for (const event of [
      Buffer.from('not json'),
      Buffer.from('[]'),
      { events: [] },
      { httpMethod: 'GET' },
      { path: '/x', httpMethod: 'GET', body: 42 },
    ]) {
      expect(() => parseHttpEvent(event)).toThrow(BadRequestError);
    }
  });
});

describe('toFcHttpResponse', () => {
  it('sends text as is and binary as flagged Base64', () => {
    expect(toFcHttpResponse(jsonResponse(200, { ok: true }))).toEqual({
      isBase64Encoded: false,
      statusCode: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: '{"ok":true}',
    });
    expect(toFcHttpResponse({ statusCode: 200, headers: {}, body: Buffer.from([0, 1, 2]) })).toEqual({
      isBase64Encoded: true,
      statusCode: 200,
      headers: {},
      body: 'AAEC',
    });
  });
});

describe('createFcHttpHandler', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'getLatestBundle', write: (line) => lines.push(JSON.parse(line)) });
  const credentials = createCredentialsSource({});
  const handler = createFcHttpHandler({
    functionName: 'getLatestBundle',
    logger,
    credentials,
    handle: () =>
      createRouter([
        {
          method: 'GET',
          path: '/v1/apps/:app',
          handler: async (request) => jsonResponse(200, { app: request.pathParameters.app }),
        },
        {
          method: 'GET',
          path: '/v1/storage',
          handler: async () => {
            throw new StorageError('OSS down');
          },
        },
        {
          method: 'GET',
          path: '/v1/boom',
          handler: async () => {
            throw new Error('secret internals at /etc/hotpatch');
          },
        },
        {
          method: 'GET',
          path: '/v1/missing',
          handler: async () => {
            throw new NotFoundError('unknown app "x"');
          },
        },
      ]),
  });

  it('serves API Gateway and FC 3.0 events through the same handler, with path parameters', async () => {
    expect(await handler(apiGatewayEvent({ path: '/v1/apps/demo' }), fcContext())).toMatchObject({
      statusCode: 200,
      body: '{"app":"demo"}',
    });
    expect(await handler(fcHttpTriggerEvent({ path: '/v1/apps/demo' }), fcContext())).toMatchObject({
      statusCode: 200,
      body: '{"app":"demo"}',
    });
  });

  it('answers a storage failure with 503, no-store and Retry-After', async () => {
    const response = await handler(apiGatewayEvent({ path: '/v1/storage' }), fcContext());
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Retry-After': '5' });
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'ServiceUnavailable', message: expect.any(String) } });
  });

  it('hides the internals of an unexpected error behind a 500', async () => {
    const response = await handler(apiGatewayEvent({ path: '/v1/boom' }), fcContext());
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('/etc/hotpatch');
    expect(lines.some((line) => line.level === 'error' && JSON.stringify(line).includes('/etc/hotpatch'))).toBe(true);
  });

  it('maps 404, 405 and a malformed event to JSON errors', async () => {
    expect(await handler(apiGatewayEvent({ path: '/v1/missing' }), fcContext())).toMatchObject({
      statusCode: 404,
      body: '{"error":{"code":"NotFound","message":"unknown app \\"x\\""}}',
    });
    expect((await handler(apiGatewayEvent({ path: '/nowhere' }), fcContext())).statusCode).toBe(404);
    expect((await handler(apiGatewayEvent({ method: 'DELETE', path: '/v1/apps/demo' }), fcContext())).statusCode).toBe(
      405,
    );
    expect((await handler(Buffer.from('garbage'), fcContext())).statusCode).toBe(400);
  });

  it('logs each invocation with its request id and the cold-start flag only on the first', async () => {
    lines.length = 0;
    const fresh = createFcHttpHandler({
      functionName: 'f',
      logger,
      credentials,
      handle: () => async () => jsonResponse(200, {}),
    });
    await fresh(apiGatewayEvent({ path: '/a' }), fcContext({ requestId: 'r1' }));
    await fresh(apiGatewayEvent({ path: '/b' }), fcContext({ requestId: 'r2' }));
    expect(lines.map((line) => [line.request_id, line.cold_start, line.path])).toEqual([
      ['r1', true, '/a'],
      ['r2', false, '/b'],
    ]);
  });

  it('takes OSS credentials from each invocation, following a rotation', async () => {
    await handler(
      apiGatewayEvent({ path: '/v1/apps/a' }),
      fcContext({ credentials: { accessKeyId: 'STS.one', accessKeySecret: 's1', securityToken: 't1' } }),
    );
    expect(credentials.current()).toEqual({ accessKeyId: 'STS.one', accessKeySecret: 's1', securityToken: 't1' });
    await handler(
      apiGatewayEvent({ path: '/v1/apps/a' }),
      fcContext({ credentials: { accessKeyId: 'STS.two', accessKeySecret: 's2', securityToken: 't2' } }),
    );
    expect(credentials.current().accessKeyId).toBe('STS.two');
  });
});

describe('createFcHttpHandler called as an FC 2.0 HTTP function (request, response, context)', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'publishBundle', write: (line) => lines.push(JSON.parse(line)) });
  const credentials = createCredentialsSource({});
  const handler = createFcHttpHandler({
    functionName: 'publishBundle',
    logger,
    credentials,
    handle: () =>
      createRouter([
        {
          method: 'POST',
          path: '/v1/apps/:app',
          handler: async (request) =>
            jsonResponse(201, {
              app: request.pathParameters.app,
              query: request.query,
              body: request.body.toString(),
              headers: request.headers,
              sourceIp: request.sourceIp,
            }),
        },
        {
          method: 'GET',
          path: '/v1/binary',
          handler: async () => ({
            statusCode: 200,
            headers: { 'Content-Type': 'application/octet-stream' },
            body: Buffer.from([0, 1, 2, 255]),
          }),
        },
        {
          method: 'GET',
          path: '/v1/storage',
          handler: async () => {
            throw new StorageError('OSS down');
          },
        },
      ]),
  });
  const triggers: Fc2HttpTrigger[] = [];
  afterAll(() => Promise.all(triggers.map((trigger) => trigger.close())));
  const start = async (bodyField: boolean) => {
    const trigger = await startFc2HttpTrigger(handler, {
      functionName: 'publishBundle',
      bodyField,
      context: () =>
        fcContext({
          requestId: 'fc2-request',
          credentials: { accessKeyId: 'STS.fc2', accessKeySecret: 's', securityToken: 't' },
        }),
    });
    triggers.push(trigger);
    return trigger;
  };

  it.each([
    ['the request stream (runtimes before Node.js 18)', false],
    ['request.body (Node.js 18+ runtimes)', true],
  ])('reads the body from %s, with path, query, headers and client IP', async (_name, bodyField) => {
    const trigger = await start(bodyField);
    const response = await fetch(`${trigger.url}/v1/apps/demo?a=1&a=2&b=x%20y`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ca-Key': 'k', 'X-Fc-Secret': 'dropped by FC' },
      body: '{"name":"demo"}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as { headers: Record<string, string> };
    expect(body).toMatchObject({
      app: 'demo',
      query: { a: '1', b: 'x y' },
      body: '{"name":"demo"}',
      headers: { 'content-type': 'application/json', 'x-ca-key': 'k' },
      sourceIp: '127.0.0.1',
    });
    expect(body.headers['x-fc-secret']).toBeUndefined();
    expect(credentials.current().accessKeyId).toBe('STS.fc2');
    expect(
      lines.some(
        (line) =>
          line.request_id === 'fc2-request' && line.message === 'request served' && line.path === '/v1/apps/demo',
      ),
    ).toBe(true);
  });

  it('sends binary bodies as bytes, and errors as the same JSON as the event shapes', async () => {
    const trigger = await start(false);
    const binary = await fetch(`${trigger.url}/v1/binary`);
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    const storage = await fetch(`${trigger.url}/v1/storage`);
    expect(storage.status).toBe(503);
    expect(storage.headers.get('retry-after')).toBe('5');
    expect(await storage.json()).toEqual({ error: { code: 'ServiceUnavailable', message: expect.any(String) } });
    const missing = await fetch(`${trigger.url}/nowhere`);
    expect(missing.status).toBe(404);
  });

  it("removes FC 2.0's proxy prefix if a runtime passes the path with it", async () => {
    const response = { setStatusCode: jest.fn(), setHeader: jest.fn(), deleteHeader: jest.fn(), send: jest.fn() };
    await handler(
      {
        method: 'GET',
        path: '/2016-08-15/proxy/hotpatch/publishBundle/v1/binary',
        url: '/2016-08-15/proxy/hotpatch/publishBundle/v1/binary',
        queries: {},
        headers: {},
        clientIP: '1.2.3.4',
        body: Buffer.alloc(0),
      },
      response,
      fcContext(),
    );
    expect(response.setStatusCode).toHaveBeenCalledWith(200);
    expect(response.send).toHaveBeenCalledWith(Buffer.from([0, 1, 2, 255]));
  });
});

describe('configuration errors', () => {
  it('answer 500 ConfigError without the variable, and log it at error level once per instance', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: 'publishBundle', write: (line) => lines.push(JSON.parse(line)) });
    const handler = createFcHttpHandler({
      functionName: 'publishBundle',
      logger,
      credentials: createCredentialsSource({}),
      handle: () => {
        throw new ConfigError('HOTPATCH_APP_KEYS', 'is required but not set');
      },
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await handler(apiGatewayEvent({ path: '/v1/apps' }), fcContext());
      expect(response.statusCode).toBe(500);
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(JSON.parse(response.body)).toEqual({
        error: { code: 'ConfigError', message: 'configuration error: see function log' },
      });
    }
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'configuration error: HOTPATCH_APP_KEYS: is required but not set',
        variable: 'HOTPATCH_APP_KEYS',
      }),
    ]);
    expect(lines[0]).toMatchObject({ level: 'error', variable: 'HOTPATCH_APP_KEYS' });
    expect(lines.filter((line) => line.message === 'request refused').map((line) => line.variable)).toEqual([
      'HOTPATCH_APP_KEYS',
      'HOTPATCH_APP_KEYS',
      'HOTPATCH_APP_KEYS',
    ]);
  });
});
