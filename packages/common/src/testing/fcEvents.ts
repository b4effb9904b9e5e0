import { randomUUID } from 'node:crypto';
import type { FcContext } from '../fc/FcContext';

/** An API Gateway → FC event, as a Buffer like FC delivers it (docs/protocols/aliyun.md §3.1). */
export function apiGatewayEvent(request: {
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  pathParameters?: Record<string, string>;
}): Buffer {
  const binary = Buffer.isBuffer(request.body);
  return Buffer.from(
    JSON.stringify({
      path: request.path,
      httpMethod: request.method ?? 'GET',
      headers: request.headers ?? {},
      queryParameters: request.query ?? {},
      pathParameters: request.pathParameters ?? {},
      body: binary ? (request.body as Buffer).toString('base64') : (request.body ?? ''),
      isBase64Encoded: binary,
    }),
  );
}

/** An FC 3.0 HTTP trigger event (docs/protocols/aliyun.md §3.2). */
export function fcHttpTriggerEvent(request: {
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
}): Buffer {
  const binary = Buffer.isBuffer(request.body);
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: encodeURI(request.path),
      body: binary ? (request.body as Buffer).toString('base64') : (request.body ?? ''),
      isBase64Encoded: binary,
      headers: request.headers ?? {},
      queryParameters: request.query ?? {},
      requestContext: {
        accountId: '1234567890',
        domainName: 'trigger-1.cn-shanghai.fcapp.run',
        domainPrefix: 'trigger-1',
        http: {
          method: request.method ?? 'GET',
          path: request.path,
          protocol: 'HTTP/1.1',
          sourceIp: '11.11.11.11',
          userAgent: 'jest',
        },
        requestId: `1-${randomUUID()}`,
        time: '2026-11-27T00:00:00Z',
        timeEpoch: '1795737600000',
      },
    }),
  );
}

/** An FC `context` with STS credentials, as FC passes it to a handler (§1.3). */
export function fcContext(overrides: Partial<FcContext> = {}): FcContext {
  return {
    requestId: randomUUID(),
    credentials: { accessKeyId: 'STS.test', accessKeySecret: 'sts-secret', securityToken: 'sts-token' },
    function: { name: 'test-function', handler: 'index.handler', memory: 256, timeout: 60 },
    service: {
      name: 'hotpatch',
      logProject: 'hotpatch-logs',
      logStore: 'functions',
      qualifier: 'LATEST',
      versionId: '1',
    },
    region: 'cn-shanghai',
    accountId: '1234567890',
    ...overrides,
  };
}
