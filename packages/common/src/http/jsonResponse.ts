import { HotpatchError, BadRequestError, ConfigError, ServiceUnavailableError, StorageError } from '../errors';
import type { Logger } from '../logging';
import type { ErrorBody } from '@hotpatch/core';
import type { HttpResponse } from './HttpRequest';

/** A JSON response; `Content-Type` always set. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The JSON error body every hotpatch route returns (declared in core, shared with the CLI). */
export type { ErrorBody };

/** The stable error code of a deployment whose configuration is missing or malformed (HTTP 500). */
export const CONFIG_ERROR_CODE = 'ConfigError';
/** What callers are told of a configuration error: no variable, no value, where to look. */
export const CONFIG_ERROR_MESSAGE = 'configuration error: see function log';

/** How long a client should wait before retrying after a storage failure. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Maps any error to its HTTP response, in one place:
 * - a `HotpatchError` below 500 keeps its status, code and message;
 * - a `StorageError` (or a `ServiceUnavailableError`) is 503 with `Cache-Control: no-store` and `Retry-After`:
 *   storage trouble must never be cached, nor read as "no releases";
 * - a `ConfigError` is a 500 `ConfigError` "configuration error: see function log" (the variable is logged);
 * - anything else is a 500 whose body says nothing about internals; the error itself goes to the log.
 */
export function errorToHttpResponse(error: unknown, logger: Logger): HttpResponse {
  if (error instanceof StorageError || error instanceof ServiceUnavailableError) {
    logger.error('storage unavailable', { error });
    return jsonResponse(
      503,
      {
        error: { code: 'ServiceUnavailable', message: 'storage is temporarily unavailable; retry later' },
      } satisfies ErrorBody,
      {
        'Cache-Control': 'no-store',
        'Retry-After': String(RETRY_AFTER_SECONDS),
      },
    );
  }
  if (error instanceof ConfigError) {
    // Which variable is wrong goes to the function log (createFcHttpHandler writes it once per instance);
    // the caller learns only that it is the deployment, not the request, that needs fixing.
    return jsonResponse(
      500,
      { error: { code: CONFIG_ERROR_CODE, message: CONFIG_ERROR_MESSAGE } } satisfies ErrorBody,
      { 'Cache-Control': 'no-store' },
    );
  }
  if (error instanceof HotpatchError && error.exposeMessage) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error instanceof BadRequestError && error.parameter) body.error.parameter = error.parameter;
    return jsonResponse(error.statusCode, body, { 'Cache-Control': 'no-store' });
  }
  logger.error('unhandled error', { error });
  return jsonResponse(500, { error: { code: 'InternalError', message: 'internal error' } } satisfies ErrorBody, {
    'Cache-Control': 'no-store',
  });
}
