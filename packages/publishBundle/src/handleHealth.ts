import {
  CONFIG_ERROR_CODE,
  jsonResponse,
  type ConfigError,
  type HttpResponse,
  type ObjectStore,
} from '@hotpatch/common';
import { storageKeys, type HealthResponse, type MisconfiguredHealthResponse } from '@hotpatch/core';

/** publishBundle's health route (signed, like every management route). */
export const HEALTH_PATH = '/v1/manage/health';

/**
 * `GET /v1/manage/health` on a configured function: 200 when it can reach its bucket, 503 (through the shared
 * error mapping) when it cannot. One cheap listing, never cached.
 */
export async function handleHealth(store: ObjectStore): Promise<HttpResponse> {
  await store.list({ prefix: storageKeys.appsPrefix(), maxKeys: 1 });
  return jsonResponse(200, { status: 'ok', storage: store.kind } satisfies HealthResponse, {
    'Cache-Control': 'no-store',
  });
}

/**
 * The same route when the app keys load but another setting does not (storage, credentials, signer keys):
 * the caller proved it holds an app secret, so it may learn which variable to fix. The message names the
 * variable and what is wrong with it, never a secret (the `ConfigError` messages hold no secret values).
 */
export function misconfiguredHealth(error: ConfigError): HttpResponse {
  return jsonResponse(
    500,
    {
      status: 'misconfigured',
      error: { code: CONFIG_ERROR_CODE, variable: error.variable, message: error.message },
    } satisfies MisconfiguredHealthResponse,
    { 'Cache-Control': 'no-store' },
  );
}
