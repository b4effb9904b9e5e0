import { createLogger } from '../logging';
import { createDeclaredRouter, createRouteMatcher } from './createRouter';
import { jsonResponse } from './jsonResponse';

const context = {
  requestId: 'r',
  functionName: 'f',
  logger: createLogger({ service: 't', write: () => undefined }),
  credentials: undefined,
};
const request = (method: string, path: string) => ({
  method,
  path,
  query: {},
  headers: {},
  body: Buffer.alloc(0),
  pathParameters: {},
  sourceIp: '',
});
const declarations = [
  { method: 'GET', path: '/v1/apps/:app' },
  { method: 'POST', path: '/v1/apps' },
] as const;

describe('createDeclaredRouter', () => {
  it('routes each declared route to its handler, with path parameters', async () => {
    const router = createDeclaredRouter(declarations, {
      'GET /v1/apps/:app': async (incoming) => jsonResponse(200, { app: incoming.pathParameters.app }),
      'POST /v1/apps': async () => jsonResponse(201, {}),
    });
    expect(await router(request('GET', '/v1/apps/demo'), context)).toMatchObject({
      statusCode: 200,
      body: '{"app":"demo"}',
    });
    expect((await router(request('POST', '/v1/apps'), context)).statusCode).toBe(201);
    await expect(router(request('PUT', '/v1/apps'), context)).rejects.toThrow('PUT is not allowed on /v1/apps');
  });

  it('refuses handlers for routes nobody declared', () => {
    const handlers = {
      'GET /v1/apps/:app': async () => jsonResponse(200, {}),
      'POST /v1/apps': async () => jsonResponse(201, {}),
      'GET /v1/secret': async () => jsonResponse(200, {}),
    };
    expect(() => createDeclaredRouter(declarations, handlers as never)).toThrow(
      'handlers for undeclared routes: GET /v1/secret',
    );
  });

  it('matches declared paths for the gateway', () => {
    const matches = createRouteMatcher(declarations);
    expect([matches('/v1/apps/demo'), matches('/v1/apps'), matches('/v1/apps/demo/extra')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
