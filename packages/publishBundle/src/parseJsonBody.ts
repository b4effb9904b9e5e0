import { BadRequestError, readJsonObject, type HttpRequest } from '@hotpatch/common';

/** The largest management request body: release notes and patches are small. */
const MAX_BODY_BYTES = 64 * 1024;

/** The request's JSON object body (an empty body is `{}`); larger than 64 KB is a 413, anything else a 400. */
export function parseJsonBody(request: HttpRequest): Record<string, unknown> {
  return readJsonObject(request, MAX_BODY_BYTES);
}

/** An optional field of a given type; a wrong type is a 400 naming it. */
export function optionalField<T extends 'string' | 'number' | 'boolean'>(
  body: Record<string, unknown>,
  name: string,
  type: T,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new BadRequestError(`${name} must be a ${type}`, name);
  return value as never;
}
