import { NotFoundError, type HttpRequest, type HttpResponse, type ObjectStore } from '@hotpatch/common';
import {
  decideExpoUpdate,
  deploymentNotFound,
  expoSignalDeltas,
  prepareExpoCatalog,
  type ExpoSignalMemory,
  type PreparedCatalog,
  type PreparedExpoCatalog,
} from '@hotpatch/core';
import type { SignalBuffer } from './createSignalBuffer';
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
  /** Launch signals (installed, active, failed) summed in the instance and written with the fold's cadence. */
  signals: SignalBuffer;
  /** What this instance has counted already: a device re-sends the same ids on every request. */
  counted: ExpoSignalMemory;
  /** The API's public URL (`HOTPATCH_API_URL`): launch assets are then served by the patching route. */
  apiUrl?: string;
}

/**
 * `GET /v1/expo/:app/manifest` (Expo Updates protocol v1, docs/protocols/expo.md "Serving"): headers checked
 * before any storage access; the deployment's cached catalog, as for `/v1/check`; the app's signing key when the
 * device expects signatures; `decideExpoUpdate`; the answer from the responder's caches. What the request says
 * about launches (`expoSignalDeltas`) goes to the instance's signal buffer, never a write of its own; it is
 * counted before the signing key is needed, so a device refused for a key problem still reports its failures.
 */
export async function handleExpoManifest(request: HttpRequest, dependencies: ExpoDependencies): Promise<HttpResponse> {
  const expo = parseExpoRequest(request.pathParameters.app, request.headers);
  const catalog = await registeredCatalog(expo.deployment, dependencies.source);
  if (!catalog) throw new NotFoundError(deploymentNotFound(expo.deployment));
  let prepared = dependencies.prepared.get(catalog);
  if (!prepared) {
    prepared = prepareExpoCatalog(catalog.catalog);
    dependencies.prepared.set(catalog, prepared);
  }
  const { deployment, update, recentFailedUpdateIds } = expo;
  dependencies.signals.add(
    deployment,
    expoSignalDeltas(
      prepared,
      { deployment, clientId: update.clientId, currentUpdateId: update.currentUpdateId, recentFailedUpdateIds },
      dependencies.counted,
    ),
  );
  const signingKey = expo.expectSignature
    ? await expoSigningKey(expo.deployment.app, expo.expectSignature, dependencies.keys)
    : undefined;
  const decision = decideExpoUpdate(prepared, expo.update);
  return dependencies.responder.respond(
    decision,
    expo,
    signingKey,
    (key) => dependencies.store.downloadUrl(key),
    expoLaunchAssetUrl(dependencies.apiUrl, expo.deployment),
  );
}
