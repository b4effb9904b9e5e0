import { BadRequestError } from '../errors';
import type { HttpRequest, HttpResponse } from '../http/HttpRequest';

/** The response FC and API Gateway expect from an event function serving HTTP (both use this shape). */
export interface FcHttpResponse {
  isBase64Encoded: boolean;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Where a request came from: API Gateway's FC backend event, an FC 3.0 HTTP trigger event, or an FC 2.0 HTTP
 * trigger calling the function as `(request, response, context)`.
 */
export type HttpEventSource = 'apiGateway' | 'fcHttpTrigger' | 'fc2HttpTrigger';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Names of headers, query and path parameters come from the request: the maps that hold them have no
 * prototype, so `__proto__` is stored like any name and `constructor` reads as absent unless sent.
 */
const inputMap = (): Record<string, string> => Object.create(null) as Record<string, string>;

/** A header or query value as text: strings as they are, numbers and booleans printed, anything else as JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function stringMap(value: unknown, lowerCaseKeys: boolean): Record<string, string> {
  const result = inputMap();
  if (!isRecord(value)) return result;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    const text = Array.isArray(item) ? item.map(valueText).join(',') : valueText(item);
    const name = lowerCaseKeys ? key.toLowerCase() : key;
    result[name] = result[name] === undefined ? text : `${result[name]},${text}`;
  }
  return result;
}

function firstValues(value: unknown): Record<string, string> {
  const result = inputMap();
  if (!isRecord(value)) return result;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    result[key] = Array.isArray(item) ? valueText(item[0] ?? '') : valueText(item);
  }
  return result;
}

function decodeBody(body: unknown, isBase64Encoded: unknown): Buffer {
  if (body === undefined || body === null || body === '') return Buffer.alloc(0);
  if (typeof body !== 'string') throw new BadRequestError('HTTP event body must be a string', 'body');
  return isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/**
 * Reads an HTTP event (Buffer, string or object) from API Gateway (`httpMethod`, `path`, `queryParameters`)
 * or an FC 3.0 HTTP trigger (`requestContext.http`, `rawPath`) into an `HttpRequest`.
 * Anything else throws `BadRequestError`.
 */
export function parseHttpEvent(event: unknown): { request: HttpRequest; source: HttpEventSource } {
  let payload: unknown = event;
  if (Buffer.isBuffer(event) || typeof event === 'string') {
    try {
      payload = JSON.parse(event.toString());
    } catch {
      throw new BadRequestError('HTTP event is not JSON');
    }
  }
  if (!isRecord(payload)) throw new BadRequestError('HTTP event is not an object');
  const headers = stringMap(payload.headers, true);
  const query = firstValues(payload.queryParameters);
  const body = decodeBody(payload.body, payload.isBase64Encoded);

  if (typeof payload.httpMethod === 'string' && typeof payload.path === 'string') {
    return {
      source: 'apiGateway',
      request: {
        method: payload.httpMethod.toUpperCase(),
        path: payload.path,
        query,
        headers,
        body,
        pathParameters: stringMap(payload.pathParameters, false),
        sourceIp: headers['x-forwarded-for']?.split(',')[0]?.trim() ?? '',
      },
    };
  }
  const context = payload.requestContext;
  if (
    isRecord(context) &&
    isRecord(context.http) &&
    typeof context.http.method === 'string' &&
    typeof context.http.path === 'string'
  ) {
    return {
      source: 'fcHttpTrigger',
      request: {
        method: context.http.method.toUpperCase(),
        path: context.http.path,
        query,
        headers,
        body,
        pathParameters: inputMap(),
        sourceIp: typeof context.http.sourceIp === 'string' ? context.http.sourceIp : '',
      },
    };
  }
  throw new BadRequestError(
    'not an API Gateway or FC HTTP trigger event: expected httpMethod/path or requestContext.http',
  );
}

/** Text bodies travel as text; anything binary as Base64, flagged. */
export function toFcHttpResponse(response: HttpResponse): FcHttpResponse {
  if (typeof response.body === 'string')
    return { isBase64Encoded: false, statusCode: response.statusCode, headers: response.headers, body: response.body };
  return {
    isBase64Encoded: true,
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body.toString('base64'),
  };
}

/**
 * The request FC 2.0 hands an HTTP function (`handler(request, response, context)`): Node's request stream
 * with these fields added. `path` is the path after the function (FC removes `/2016-08-15/proxy/<service>/
 * <function>`), `url` the full request URI, `queries` values a string or, when repeated, an array. Runtimes
 * before Node.js 18 give the body only as the stream (`getRawBody(request)`); newer ones also as `body`.
 */
export interface Fc2HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  path: string;
  queries: Record<string, string | string[] | undefined>;
  method: string;
  clientIP: string;
  url: string;
  body?: Buffer | string;
}

/** The response object FC 2.0 hands an HTTP function; `send` ends the invocation. */
export interface Fc2HttpResponse {
  setStatusCode(statusCode: number): void;
  setHeader(name: string, value: string): void;
  deleteHeader(name: string): void;
  send(body: Buffer | string | NodeJS.ReadableStream): void;
}

/** Whether an HTTP function was called FC 2.0's way: its second argument is FC's response object. */
export function isFc2HttpResponse(value: unknown): value is Fc2HttpResponse {
  return (
    isRecord(value) &&
    typeof value.setStatusCode === 'function' &&
    typeof value.setHeader === 'function' &&
    typeof value.send === 'function'
  );
}

/** FC 2.0's default trigger URL prefix, removed when a runtime passes the path with it. */
const FC2_PROXY_PREFIX = /^\/2016-08-15\/proxy\/[^/]+\/[^/]+(?=\/|$)/;

function decodePath(path: string): string {
  try {
    return path
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
  } catch {
    throw new BadRequestError('request path is not valid percent-encoding', 'path');
  }
}

async function readStream(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/**
 * Reads FC 2.0's HTTP function request into an `HttpRequest`: the body from `body` when the runtime gives
 * it, else from the request stream itself.
 */
export async function readFc2HttpRequest(request: unknown): Promise<HttpRequest> {
  if (!isRecord(request) || typeof request.method !== 'string')
    throw new BadRequestError('not an FC 2.0 HTTP request: no method');
  const url = typeof request.url === 'string' ? request.url : '';
  const rawPath =
    typeof request.path === 'string' && request.path !== '' ? request.path : new URL(url || '/', 'http://fc').pathname;
  const path = decodePath(rawPath).replace(FC2_PROXY_PREFIX, '') || '/';
  let body: Buffer;
  if (Buffer.isBuffer(request.body)) body = request.body;
  else if (typeof request.body === 'string') body = Buffer.from(request.body, 'utf8');
  else if (Symbol.asyncIterator in request) body = await readStream(request as unknown as AsyncIterable<unknown>);
  else body = Buffer.alloc(0);
  const headers = stringMap(request.headers, true);
  return {
    method: request.method.toUpperCase(),
    path,
    query: firstValues(request.queries),
    headers,
    body,
    pathParameters: {},
    sourceIp: typeof request.clientIP === 'string' ? request.clientIP : '',
  };
}

/** Writes a response through FC 2.0's response object; binary bodies go as they are (no Base64 here). */
export function sendFc2HttpResponse(target: Fc2HttpResponse, response: HttpResponse): void {
  target.setStatusCode(response.statusCode);
  for (const [name, value] of Object.entries(response.headers)) target.setHeader(name, value);
  target.send(response.body);
}
