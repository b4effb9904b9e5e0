import { BadRequestError, PayloadTooLargeError, type HttpRequest } from '@hotpatch/common';

const MAX_BODY_BYTES = 64 * 1024;

/** The request's JSON object body (an empty body is `{}`); anything else is a 400. */
export function parseJsonBody(request: HttpRequest): Record<string, unknown> {
  if (request.body.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(`request body is larger than ${MAX_BODY_BYTES} bytes`);
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new BadRequestError('request body is not valid JSON', 'body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequestError('request body must be a JSON object', 'body');
  return parsed as Record<string, unknown>;
}

/** An optional field of a given type; a wrong type is a 400 naming it. */
export function optionalField<T extends 'string' | 'number' | 'boolean'>(body: Record<string, unknown>, name: string, type: T): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new BadRequestError(`${name} must be a ${type}`, name);
  return value as never;
}
