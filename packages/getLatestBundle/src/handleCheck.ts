import { jsonResponse, NotFoundError, type HttpRequest, type HttpResponse, type ObjectStore } from '@hotpatch/common';
import { decideUpdate, deploymentProblem, emptyCatalog, prepareCatalog, storageKeys, type AppRecord, type DeploymentRef, type PreparedCatalog } from '@hotpatch/core';
import type { RevalidatingCache } from './createRevalidatingCache';
import { parseCheckRequest } from './parseCheckRequest';
import { toCheckResponse } from './toCheckResponse';

export interface CheckDependencies {
  store: ObjectStore;
  apps: RevalidatingCache<AppRecord>;
  catalogs: RevalidatingCache<PreparedCatalog>;
}

/** A deployment without a catalog: 404 unless the registry knows it (then it simply has no release yet). */
async function emptyDeployment(deployment: DeploymentRef, apps: RevalidatingCache<AppRecord>): Promise<PreparedCatalog> {
  const app = await apps.get(storageKeys.app(deployment.app));
  if (!app) throw new NotFoundError(`unknown app ${JSON.stringify(deployment.app)}`);
  const problem = deploymentProblem(app, deployment.platform, deployment.channel);
  if (problem) throw new NotFoundError(problem);
  return prepareCatalog(emptyCatalog(deployment));
}

/**
 * `GET /v1/check`: is there an update for this device? Parameters are checked before any storage access;
 * an unknown app, platform or channel is 404; the answer comes from the deployment's cached catalog (one
 * conditional read per cache period).
 */
export async function handleCheck(request: HttpRequest, dependencies: CheckDependencies): Promise<HttpResponse> {
  const { deployment, update } = parseCheckRequest(request.query);
  // A catalog exists only for a deployment that exists: one read answers the common case.
  const catalog = (await dependencies.catalogs.get(storageKeys.catalog(deployment))) ?? (await emptyDeployment(deployment, dependencies.apps));
  const decision = decideUpdate(catalog, update);
  return jsonResponse(200, toCheckResponse(decision, (key) => dependencies.store.downloadUrl(key)), { 'Cache-Control': 'private, no-cache' });
}
