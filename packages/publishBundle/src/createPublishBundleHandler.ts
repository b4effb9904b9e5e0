import { tmpdir } from 'node:os';
import { createAppRegistry, createDeclaredRouter, DEFAULT_CATALOG_TTL_SECONDS, type HttpHandler, type ObjectStore } from '@hotpatch/common';
import { createNonceStore } from './createNonceStore';
import { handleAddChannel, handleCreateApp, handleListApps, handleRemoveChannel, handleRotateKeys, handleShowApp } from './handleApps';
import { handleHistory, handlePatch, handlePromote, handleRollback } from './handleReleases';
import { handleMetrics } from './handleMetrics';
import { handleUploadStatus } from './handleUploadStatus';
import type { PublishConfig } from './loadPublishConfig';
import { routes } from './routes';
import { verifyAppSignature } from './verifyAppSignature';

export interface PublishBundleDependencies {
  store: ObjectStore;
  config: PublishConfig;
  now?: () => Date;
}

/** The HTTP handler of publishBundle: authentication first, then the route table. */
export function createPublishBundleHandler(dependencies: PublishBundleDependencies): HttpHandler {
  const { store, config } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const registry = createAppRegistry(store, now);
  const nonces = createNonceStore(store);
  const visibleWithinSeconds = config.catalogTtlSeconds ?? DEFAULT_CATALOG_TTL_SECONDS;
  const releases = { store, registry, now, tempDirectory: tmpdir(), visibleWithinSeconds };
  const route = createDeclaredRouter(routes, {
    'POST /v1/apps': (request) => handleCreateApp(request, registry),
    'GET /v1/apps': () => handleListApps(registry),
    'GET /v1/apps/:app': (request) => handleShowApp(request, registry),
    'POST /v1/apps/:app/channels': (request) => handleAddChannel(request, registry),
    'DELETE /v1/apps/:app/channels/:channel': (request) => handleRemoveChannel(request, registry),
    'POST /v1/apps/:app/channels/:channel/keys': (request) => handleRotateKeys(request, registry),
    'POST /v1/apps/:app/:platform/:channel/promote': (request, context) => handlePromote(request, releases, context.logger),
    'PATCH /v1/apps/:app/:platform/:channel/releases/:label': (request) => handlePatch(request, releases),
    'POST /v1/apps/:app/:platform/:channel/rollback': (request) => handleRollback(request, releases),
    'GET /v1/apps/:app/:platform/:channel/history': (request) => handleHistory(request, releases),
    'GET /v1/apps/:app/:platform/:channel/metrics': (request) => handleMetrics(request, store, registry),
    'GET /v1/uploads/status': (request) => handleUploadStatus(request, store, config.uploadPrefix, visibleWithinSeconds),
  });
  return async (request, context) => {
    const principal = await verifyAppSignature(request, { appKeys: config.appKeys, nonces, now: now().getTime() });
    context.logger.appendKeys({ app_key: principal });
    return route({ ...request, principal }, context);
  };
}
