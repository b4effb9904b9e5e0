import { NotFoundError, type HttpRequest, type HttpResponse, type ObjectStore } from '@hotpatch/common';
import {
  decideExpoUpdate,
  deploymentNotFound,
  prepareExpoCatalog,
  type PreparedCatalog,
  type PreparedExpoCatalog,
} from '@hotpatch/core';
import { expoLaunchAssetUrl } from './handleExpoAsset';
import { expoSigningKey, type ExpoKeySource } from './expoSigningKeys';
import type { ExpoResponder } from './expoResponses';
import { parseExpoRequest } from './parseExpoRequest';
import { registeredCatalog, type CatalogSource } from './registeredCatalog';

export interface ExpoDependencies {
  store: ObjectStore;
  source: CatalogSource;
  keys: ExpoKeySource;
  responder: ExpoResponder;
  /** The Expo index of each cached catalog object, built once per catalog load. */
  prepared: WeakMap<PreparedCatalog, PreparedExpoCatalog>;
  /** The API's public URL (`HOTPATCH_API_URL`): launch assets are then served by the patching route. */
  apiUrl?: string;
}

/**
 * `GET /v1/expo/:app/manifest` (Expo Updates protocol v1, docs/protocols/expo.md "Serving"): headers checked
 * before any storage access; the deployment's cached catalog, as for `/v1/check`; the app's signing key when the
 * device expects signatures; `decideExpoUpdate`; the answer from the responder's caches.
 */
export async function handleExpoManifest(request: HttpRequest, dependencies: ExpoDependencies): Promise<HttpResponse> {
  const expo = parseExpoRequest(request.pathParameters.app, request.headers);
  const catalog = await registeredCatalog(expo.deployment, dependencies.source);
  if (!catalog) throw new NotFoundError(deploymentNotFound(expo.deployment));
  const signingKey = expo.expectSignature
    ? await expoSigningKey(expo.deployment.app, expo.expectSignature, dependencies.keys)
    : undefined;
  let prepared = dependencies.prepared.get(catalog);
  if (!prepared) {
    prepared = prepareExpoCatalog(catalog.catalog);
    dependencies.prepared.set(catalog, prepared);
  }
  const decision = decideExpoUpdate(prepared, expo.update);
  return dependencies.responder.respond(
    decision,
    expo,
    signingKey,
    (key) => dependencies.store.downloadUrl(key),
    expoLaunchAssetUrl(dependencies.apiUrl, expo.deployment),
  );
}
