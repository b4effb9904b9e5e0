import { tmpdir } from 'node:os';
import { createAppRegistry, createRouter, type HttpHandler, type ObjectStore } from '@hotpatch/common';
import { createNonceStore } from './createNonceStore';
import { handleAddChannel, handleCreateApp, handleListApps, handleRemoveChannel, handleRotateKeys, handleShowApp } from './handleApps';
import { handleHistory, handlePatch, handlePromote, handleRollback } from './handleReleases';
import { handleMetrics } from './handleMetrics';
import { handleUploadStatus } from './handleUploadStatus';
import type { PublishConfig } from './loadPublishConfig';
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
  const releases = { store, registry, now, tempDirectory: tmpdir() };
  const route = createRouter([
    { method: 'POST', path: '/v1/apps', handler: (request) => handleCreateApp(request, registry) },
    { method: 'GET', path: '/v1/apps', handler: () => handleListApps(registry) },
    { method: 'GET', path: '/v1/apps/:app', handler: (request) => handleShowApp(request, registry) },
    { method: 'POST', path: '/v1/apps/:app/channels', handler: (request) => handleAddChannel(request, registry) },
    { method: 'DELETE', path: '/v1/apps/:app/channels/:channel', handler: (request) => handleRemoveChannel(request, registry) },
    { method: 'POST', path: '/v1/apps/:app/channels/:channel/keys', handler: (request) => handleRotateKeys(request, registry) },
    { method: 'POST', path: '/v1/apps/:app/:platform/:channel/promote', handler: (request, context) => handlePromote(request, releases, context.logger) },
    { method: 'PATCH', path: '/v1/apps/:app/:platform/:channel/releases/:label', handler: (request) => handlePatch(request, releases) },
    { method: 'POST', path: '/v1/apps/:app/:platform/:channel/rollback', handler: (request) => handleRollback(request, releases) },
    { method: 'GET', path: '/v1/apps/:app/:platform/:channel/history', handler: (request) => handleHistory(request, releases) },
    { method: 'GET', path: '/v1/apps/:app/:platform/:channel/metrics', handler: (request) => handleMetrics(request, store, registry) },
    { method: 'GET', path: '/v1/uploads/status', handler: (request) => handleUploadStatus(request, store, config.uploadPrefix) },
  ]);
  return async (request, context) => {
    const principal = await verifyAppSignature(request, { appKeys: config.appKeys, nonces, now: now().getTime() });
    context.logger.appendKeys({ app_key: principal });
    return route({ ...request, principal }, context);
  };
}
