import type { Refusal } from '@hotpatch/core';
import { BadRequestError, ConflictError, NotFoundError, type HotpatchError } from './HotpatchError';

/**
 * A core refusal as the error that carries its HTTP status, in one place: `invalid` is a 400, `notFound` a
 * 404, `conflict` a 409; the message is the refusal's reasons. `errorToHttpResponse` turns it into the
 * response, as every other error.
 */
export function refusalError(refusal: Refusal, parameter?: string): HotpatchError {
  const message = refusal.reasons.join('; ');
  if (refusal.kind === 'notFound') return new NotFoundError(message);
  if (refusal.kind === 'conflict') return new ConflictError(message);
  return new BadRequestError(message, parameter);
}
