import { BadRequestError } from '../errors';
import type { HttpRequest, HttpResponse } from '../http/HttpRequest';

/** The response FC and API Gateway expect from an event function serving HTTP (both use this shape). */
export interface FcHttpResponse {
  isBase64Encoded: boolean;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Where a request came from: API Gateway's FC backend event, or an FC 3.0 HTTP trigger. */
export type HttpEventSource = 'apiGateway' | 'fcHttpTrigger';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Names of headers, query and path parameters come from the request: the maps that hold them have no
 * prototype, so `__proto__` is stored like any name and `constructor` reads as absent unless sent.
 */
const inputMap = (): Record<string, string> => Object.create(null) as Record<string, string>;

function stringMap(value: unknown, lowerCaseKeys: boolean): Record<string, string> {
  const result = inputMap();
  if (!isRecord(value)) return result;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    const text = Array.isArray(item) ? item.map(String).join(',') : String(item);
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
    result[key] = Array.isArray(item) ? String(item[0] ?? '') : String(item);
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
      request: { method: payload.httpMethod.toUpperCase(), path: payload.path, query, headers, body, pathParameters: stringMap(payload.pathParameters, false), sourceIp: headers['x-forwarded-for']?.split(',')[0]?.trim() ?? '' },
    };
  }
  const context = payload.requestContext;
  if (isRecord(context) && isRecord(context.http) && typeof context.http.method === 'string' && typeof context.http.path === 'string') {
    return {
      source: 'fcHttpTrigger',
      request: { method: context.http.method.toUpperCase(), path: context.http.path, query, headers, body, pathParameters: inputMap(), sourceIp: typeof context.http.sourceIp === 'string' ? context.http.sourceIp : '' },
    };
  }
  throw new BadRequestError('not an API Gateway or FC HTTP trigger event: expected httpMethod/path or requestContext.http');
}

/** Text bodies travel as text; anything binary as Base64, flagged. */
export function toFcHttpResponse(response: HttpResponse): FcHttpResponse {
  if (typeof response.body === 'string') return { isBase64Encoded: false, statusCode: response.statusCode, headers: response.headers, body: response.body };
  return { isBase64Encoded: true, statusCode: response.statusCode, headers: response.headers, body: response.body.toString('base64') };
}
