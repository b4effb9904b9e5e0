import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouteMatcher, type FcContext, type FcHttpResponse, type Logger, type RouteDeclaration } from '@hotpatch/common';

/** One HTTP function behind the gateway: its declared routes and its FC entry point. */
export interface GatewayFunction {
  name: string;
  routes: readonly RouteDeclaration[];
  handler: (event: Buffer, context: FcContext) => Promise<FcHttpResponse>;
  context: () => FcContext;
}

export interface ApiGatewayOptions {
  functions: GatewayFunction[];
  logger: Logger;
  port?: number;
  host?: string;
}

export interface ApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** API Gateway's own limit on request bodies. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function isFcHttpResponse(value: unknown): value is FcHttpResponse {
  const candidate = value as FcHttpResponse;
  return typeof candidate === 'object' && candidate !== null && Number.isInteger(candidate.statusCode) && typeof candidate.body === 'string';
}

/**
 * A local stand-in for API Gateway with FC backends: each request becomes the exact API Gateway → FC event
 * (a Buffer of JSON, body Base64) and goes to the function whose declared routes match; the function's
 * `{isBase64Encoded, statusCode, headers, body}` answer becomes the HTTP response.
 */
export async function createApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const functions = options.functions.map((fn) => ({ ...fn, matches: createRouteMatcher(fn.routes) }));

  const server: Server = createServer(async (request, response) => {
    const requestId = randomUUID();
    response.setHeader('X-Ca-Request-Id', requestId);
    const url = new URL(request.url ?? '/', 'http://gateway.local');
    const target = functions.find((fn) => fn.matches(url.pathname));
    if (!target) {
      request.resume();
      return sendJson(response, 404, { error: { code: 'NotFound', message: `no API matches ${request.method} ${url.pathname}` } }, { 'X-Ca-Error-Message': 'Invalid Url' });
    }
    const body = await readBody(request);
    if (body === undefined) return sendJson(response, 413, { error: { code: 'PayloadTooLarge', message: `request body exceeds ${MAX_BODY_BYTES} bytes` } });

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    headers['x-forwarded-for'] = request.socket.remoteAddress ?? '127.0.0.1';
    const event = Buffer.from(
      JSON.stringify({
        path: url.pathname,
        httpMethod: request.method ?? 'GET',
        headers,
        queryParameters: Object.fromEntries(url.searchParams),
        pathParameters: {},
        body: body.toString('base64'),
        isBase64Encoded: true,
      }),
    );

    let result: unknown;
    try {
      result = await target.handler(event, target.context());
    } catch (error) {
      options.logger.error('function invocation failed', { function: target.name, error });
      return sendJson(response, 502, { error: { code: 'BadGateway', message: `${target.name} failed` } });
    }
    if (!isFcHttpResponse(result)) {
      options.logger.error('function returned a malformed response', { function: target.name });
      return sendJson(response, 502, { error: { code: 'BadResponse', message: `${target.name} returned a malformed response` } });
    }
    const bytes = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
    response.writeHead(result.statusCode, { ...result.headers, 'Content-Length': String(bytes.length) });
    response.end(bytes);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
