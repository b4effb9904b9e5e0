import { jsonResponse, NotFoundError, type HttpRequest, type HttpResponse, type ObjectStore } from '@hotpatch/common';
import { decideUpdate, deploymentNotFound } from '@hotpatch/core';
import { parseCheckRequest } from './parseCheckRequest';
import { registeredCatalog, type CatalogSource } from './registeredCatalog';
import { toCheckResponse } from './toCheckResponse';

export interface CheckDependencies {
  store: ObjectStore;
  source: CatalogSource;
}

/**
 * `GET /v1/check`: is there an update for this device? Parameters are checked before any storage access;
 * an unknown app, platform or channel is 404 naming only what was asked for; the answer comes from the
 * deployment's cached catalog (one conditional read per cache period).
 */
export async function handleCheck(request: HttpRequest, dependencies: CheckDependencies): Promise<HttpResponse> {
  const { deployment, update } = parseCheckRequest(request.query);
  const catalog = await registeredCatalog(deployment, dependencies.source);
  if (!catalog) throw new NotFoundError(deploymentNotFound(deployment));
  const decision = decideUpdate(catalog, update);
  return jsonResponse(
    200,
    toCheckResponse(decision, (key) => dependencies.store.downloadUrl(key), update),
    { 'Cache-Control': 'private, no-cache' },
  );
}
