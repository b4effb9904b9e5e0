import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../listenOn';
import {
  createRouteMatcher,
  type FcContext,
  type FcHttpResponse,
  type Logger,
  type RouteDeclaration,
} from '@hotpatch/common';

/** One HTTP function behind the gateway: its declared routes and its FC entry point. */
export interface GatewayFunction {
  name: string;
  routes: readonly RouteDeclaration[];
  handler: (event: Buffer, context: FcContext) => Promise<FcHttpResponse>;
  /** FC's context for one invocation; the gateway's request id becomes FC's, as one id traces the request. */
  context: (requestId: string) => FcContext;
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
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

const EMPTY = Buffer.alloc(0);

/** The request body, or undefined past the limit. Body-less requests (most: GET) cost nothing here. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  if (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined)
    return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function isFcHttpResponse(value: unknown): value is FcHttpResponse {
  const candidate = value as FcHttpResponse;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Number.isInteger(candidate.statusCode) &&
    typeof candidate.body === 'string'
  );
}

/**
 * A local stand-in for API Gateway with FC backends: each request becomes the exact API Gateway → FC event
 * (a Buffer of JSON, body Base64) and goes to the function whose declared routes match; the function's
 * `{isBase64Encoded, statusCode, headers, body}` answer becomes the HTTP response.
 */
export async function createApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const functions = options.functions.map((fn) => ({ ...fn, matches: createRouteMatcher(fn.routes) }));

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    response.setHeader('X-Ca-Request-Id', requestId);
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    let pathname: string;
    try {
      pathname = decodeURIComponent(queryStart < 0 ? target : target.slice(0, queryStart));
    } catch {
      request.resume();
      return sendJson(response, 400, {
        error: { code: 'BadRequest', message: 'the request path is not valid percent-encoding' },
      });
    }
    const fn = functions.find((candidate) => candidate.matches(pathname));
    if (!fn) {
      request.resume();
      return sendJson(
        response,
        404,
        { error: { code: 'NotFound', message: `no API matches ${request.method} ${pathname}` } },
        { 'X-Ca-Error-Message': 'Invalid Url' },
      );
    }
    const body = await readBody(request);
    if (body === undefined)
      return sendJson(response, 413, {
        error: { code: 'PayloadTooLarge', message: `request body exceeds ${MAX_BODY_BYTES} bytes` },
      });

    // Node joins repeated headers with ", " already (set-cookie aside, which requests do not carry).
    const headers = { ...request.headers, 'x-forwarded-for': request.socket.remoteAddress ?? '127.0.0.1' };
    const event = Buffer.from(
      JSON.stringify({
        path: pathname,
        httpMethod: request.method ?? 'GET',
        headers,
        queryParameters: queryStart < 0 ? {} : Object.fromEntries(new URLSearchParams(target.slice(queryStart + 1))),
        pathParameters: {},
        body: body.length === 0 ? '' : body.toString('base64'),
        isBase64Encoded: body.length > 0,
      }),
    );

    let result: unknown;
    try {
      result = await fn.handler(event, fn.context(requestId));
    } catch (error) {
      options.logger.error('function invocation failed', { function: fn.name, error });
      return sendJson(response, 502, { error: { code: 'BadGateway', message: `${fn.name} failed` } });
    }
    if (!isFcHttpResponse(result)) {
      options.logger.error('function returned a malformed response', { function: fn.name });
      return sendJson(response, 502, {
        error: { code: 'BadResponse', message: `${fn.name} returned a malformed response` },
      });
    }
    // Text goes out as a string: Node then sends headers and body in one write.
    const answer = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    response.writeHead(result.statusCode, { ...result.headers, 'Content-Length': String(Buffer.byteLength(answer)) });
    response.end(answer);
  };
  const server: Server = createServer((request, response) => void serve(request, response));

  const port = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, port, close: () => closeServer(server) };
}
