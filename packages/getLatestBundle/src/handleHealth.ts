import { jsonResponse, type HttpResponse, type ObjectStore } from '@hotpatch/common';
import { storageKeys, type HealthResponse } from '@hotpatch/core';

/**
 * `GET /v1/health`: 200 when the function can reach its bucket, 503 (via the shared error mapping) when it
 * cannot. One cheap listing, never cached.
 */
export async function handleHealth(store: ObjectStore): Promise<HttpResponse> {
  await store.list({ prefix: storageKeys.catalogsPrefix(), maxKeys: 1 });
  return jsonResponse(200, { status: 'ok', storage: store.kind } satisfies HealthResponse, {
    'Cache-Control': 'no-store',
  });
}
