import { BadRequestError, PayloadTooLargeError } from '../errors';
import type { HttpRequest } from './HttpRequest';

/**
 * The request's body as a JSON object (an empty body is `{}`), refused before any decoding when it is larger
 * than `maxBytes` (413), and 400 when it is not JSON or not an object. Every route that reads a JSON body reads
 * it here, each with its own named cap. Objects come from `JSON.parse`, which defines `__proto__` as an own
 * property and never changes a prototype.
 */
export function readJsonObject(request: HttpRequest, maxBytes: number): Record<string, unknown> {
  if (request.body.length > maxBytes) throw new PayloadTooLargeError(`request body is larger than ${maxBytes} bytes`);
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new BadRequestError('request body is not valid JSON', 'body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new BadRequestError('request body must be a JSON object', 'body');
  return parsed as Record<string, unknown>;
}
