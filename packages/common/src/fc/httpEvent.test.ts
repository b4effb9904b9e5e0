import { createCredentialsSource } from '../config/createCredentialsSource';
import { BadRequestError, NotFoundError, StorageError } from '../errors';
import { createRouter } from '../http/createRouter';
import { jsonResponse } from '../http/jsonResponse';
import { createLogger } from '../logging';
import { apiGatewayEvent, fcContext, fcHttpTriggerEvent } from '../testing';
import { createFcHttpHandler } from './createFcHttpHandler';
import { parseHttpEvent, toFcHttpResponse } from './httpEvent';


describe('parseHttpEvent', () => {
  it('reads the API Gateway event shape, decoding a Base64 body', () => {
    const { request, source } = parseHttpEvent(apiGatewayEvent({ method: 'POST', path: '/v1/apps', query: { a: '1' }, headers: { 'Content-Type': 'application/json', 'X-Ca-Key': 'k' }, body: Buffer.from('{"x":1}') }));
    expect(source).toBe('apiGateway');
    expect(request).toMatchObject({ method: 'POST', path: '/v1/apps', query: { a: '1' }, headers: { 'content-type': 'application/json', 'x-ca-key': 'k' } });
    expect(request.body.toString()).toBe('{"x":1}');
  });

  it('reads the FC 3.0 HTTP trigger shape, with the decoded path and source IP', () => {
    const { request, source } = parseHttpEvent(fcHttpTriggerEvent({ path: '/v1/check', query: { app: 'demo' }, headers: { Accept: 'application/json' } }));
    expect(source).toBe('fcHttpTrigger');
    expect(request).toMatchObject({ method: 'GET', path: '/v1/check', query: { app: 'demo' }, headers: { accept: 'application/json' }, sourceIp: '11.11.11.11' });
  });

  it('takes the event as a string or an object too', () => {
    const text = apiGatewayEvent({ path: '/x' }).toString();
    expect(parseHttpEvent(text).request.path).toBe('/x');
    expect(parseHttpEvent(JSON.parse(text)).request.path).toBe('/x');
  });

  it('keeps __proto__, constructor and hasOwnProperty as plain names in headers and query, touching no prototype', () => {
    // Written as text: in an object literal `__proto__` would set the literal's prototype, not a name.
    const event = '{"httpMethod":"GET","path":"/v1/check","headers":{"__proto__":"a","Constructor":"b"},"queryParameters":{"__proto__":"c","hasOwnProperty":"d"},"pathParameters":{}}';
    const { request } = parseHttpEvent(Buffer.from(event));
    expect(Object.entries(request.headers)).toEqual([['__proto__', 'a'], ['constructor', 'b']]);
    expect(Object.entries(request.query)).toEqual([['__proto__', 'c'], ['hasOwnProperty', 'd']]);
    expect(request.query.constructor).toBeUndefined();
    expect(request.headers.toString).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('a');
    expect(({} as Record<string, unknown>).c).toBeUndefined();
  });

  it('refuses events of the wrong shape with BadRequestError', () => {
    for (const event of [Buffer.from('not json'), Buffer.from('[]'), { events: [] }, { httpMethod: 'GET' }, { path: '/x', httpMethod: 'GET', body: 42 }]) {
      expect(() => parseHttpEvent(event)).toThrow(BadRequestError);
    }
  });
});

describe('toFcHttpResponse', () => {
  it('sends text as is and binary as flagged Base64', () => {
    expect(toFcHttpResponse(jsonResponse(200, { ok: true }))).toEqual({ isBase64Encoded: false, statusCode: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"ok":true}' });
    expect(toFcHttpResponse({ statusCode: 200, headers: {}, body: Buffer.from([0, 1, 2]) })).toEqual({ isBase64Encoded: true, statusCode: 200, headers: {}, body: 'AAEC' });
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
        { method: 'GET', path: '/v1/apps/:app', handler: async (request) => jsonResponse(200, { app: request.pathParameters.app }) },
        { method: 'GET', path: '/v1/storage', handler: async () => { throw new StorageError('OSS down'); } },
        { method: 'GET', path: '/v1/boom', handler: async () => { throw new Error('secret internals at /etc/hotpatch'); } },
        { method: 'GET', path: '/v1/missing', handler: async () => { throw new NotFoundError('unknown app "x"'); } },
      ]),
  });

  it('serves API Gateway and FC 3.0 events through the same handler, with path parameters', async () => {
    expect(await handler(apiGatewayEvent({ path: '/v1/apps/demo' }), fcContext())).toMatchObject({ statusCode: 200, body: '{"app":"demo"}' });
    expect(await handler(fcHttpTriggerEvent({ path: '/v1/apps/demo' }), fcContext())).toMatchObject({ statusCode: 200, body: '{"app":"demo"}' });
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
    expect(await handler(apiGatewayEvent({ path: '/v1/missing' }), fcContext())).toMatchObject({ statusCode: 404, body: '{"error":{"code":"NotFound","message":"unknown app \\"x\\""}}' });
    expect((await handler(apiGatewayEvent({ path: '/nowhere' }), fcContext())).statusCode).toBe(404);
    expect((await handler(apiGatewayEvent({ method: 'DELETE', path: '/v1/apps/demo' }), fcContext())).statusCode).toBe(405);
    expect((await handler(Buffer.from('garbage'), fcContext())).statusCode).toBe(400);
  });

  it('logs each invocation with its request id and the cold-start flag only on the first', async () => {
    lines.length = 0;
    const fresh = createFcHttpHandler({ functionName: 'f', logger, credentials, handle: () => async () => jsonResponse(200, {}) });
    await fresh(apiGatewayEvent({ path: '/a' }), fcContext({ requestId: 'r1' }));
    await fresh(apiGatewayEvent({ path: '/b' }), fcContext({ requestId: 'r2' }));
    expect(lines.map((line) => [line.request_id, line.cold_start, line.path])).toEqual([['r1', true, '/a'], ['r2', false, '/b']]);
  });

  it('takes OSS credentials from each invocation, following a rotation', async () => {
    await handler(apiGatewayEvent({ path: '/v1/apps/a' }), fcContext({ credentials: { accessKeyId: 'STS.one', accessKeySecret: 's1', securityToken: 't1' } }));
    expect(credentials.current()).toEqual({ accessKeyId: 'STS.one', accessKeySecret: 's1', securityToken: 't1' });
    await handler(apiGatewayEvent({ path: '/v1/apps/a' }), fcContext({ credentials: { accessKeyId: 'STS.two', accessKeySecret: 's2', securityToken: 't2' } }));
    expect(credentials.current().accessKeyId).toBe('STS.two');
  });
});
