import { tmpdir } from 'node:os';
import {
  createAppRegistry,
  createDeclaredRouter,
  DEFAULT_CATALOG_TTL_SECONDS,
  readPatchSettings,
  type HttpHandler,
  type HttpRequest,
  type ObjectStore,
  type RouteHandlers,
} from '@hotpatch/common';
import { handleListBuilds, handleRegisterBuild, handleRemoveBuild } from './handleBuilds';
import { scopeCoversApp } from '@hotpatch/core';
import { authorize } from './authorizeRequest';
import { createNonceStore, type NonceStore } from './createNonceStore';
import {
  handleAddChannel,
  handleCreateApp,
  handleListApps,
  handleRemoveChannel,
  handleRotateKeys,
  handleShowApp,
} from './handleApps';
import { handleHistory, handlePatch, handlePromote, handleRollback } from './handleReleases';
import { handleMetrics } from './handleMetrics';
import { handleUploadStatus } from './handleUploadStatus';
import { handleHealth } from './handleHealth';
import type { PublishConfig } from './loadPublishConfig';
import { routes } from './routes';
import { verifyAppSignature } from './verifyAppSignature';
import { verifyGatewaySignature } from './verifyGatewaySignature';

export interface PublishBundleDependencies {
  store: ObjectStore;
  config: PublishConfig;
  now?: () => Date;
}

/**
 * Who made a request, in the configured mode: the caller's own app signature (`direct`, nonces claimed in
 * `nonces`) or API Gateway's backend signature (`gateway`). Rejects with 401/403 errors; resolves the key id.
 */
export function createAuthenticator(
  config: PublishConfig,
  nonces: NonceStore,
  now: () => Date,
): (request: HttpRequest) => Promise<string> {
  const appSecrets = new Map([...config.appKeys].map(([key, { secret }]) => [key, secret]));
  return async (request) =>
    config.auth.mode === 'gateway'
      ? verifyGatewaySignature(request, { ...config.auth, appKeys: config.appKeys, nonces, now: now().getTime() })
      : verifyAppSignature(request, { appKeys: appSecrets, nonces, now: now().getTime() });
}

/** The HTTP handler of publishBundle: authentication (direct or gateway mode), then per route its permission, then the route. */
export function createPublishBundleHandler(dependencies: PublishBundleDependencies): HttpHandler {
  const { store, config } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const registry = createAppRegistry(store, now);
  const nonces = createNonceStore(store);
  const visibleWithinSeconds = config.catalogTtlSeconds ?? DEFAULT_CATALOG_TTL_SECONDS;
  const patches = config.patches ?? readPatchSettings({});
  const releases = { store, registry, now, tempDirectory: tmpdir(), visibleWithinSeconds, patches };
  const inScope = (request: HttpRequest) => (app: string) =>
    scopeCoversApp(config.appKeys.get(request.principal ?? '')!.scope, app);
  const handlers: RouteHandlers<typeof routes> = {
    'POST /v1/apps': (request) => handleCreateApp(request, registry),
    'GET /v1/apps': (request) => handleListApps(registry, inScope(request)),
    'GET /v1/apps/:app': (request) => handleShowApp(request, registry),
    'POST /v1/apps/:app/channels': (request) => handleAddChannel(request, registry),
    'DELETE /v1/apps/:app/channels/:channel': (request) => handleRemoveChannel(request, registry),
    'POST /v1/apps/:app/channels/:channel/keys': (request) => handleRotateKeys(request, registry),
    'POST /v1/apps/:app/:platform/:channel/promote': (request, context) =>
      handlePromote(request, releases, context.logger),
    'PATCH /v1/apps/:app/:platform/:channel/releases/:label': (request) => handlePatch(request, releases),
    'POST /v1/apps/:app/:platform/:channel/rollback': (request) => handleRollback(request, releases),
    'GET /v1/apps/:app/:platform/:channel/history': (request) => handleHistory(request, releases),
    'GET /v1/apps/:app/:platform/:channel/metrics': (request) => handleMetrics(request, store, registry),
    'POST /v1/apps/:app/:platform/builds': (request, context) => handleRegisterBuild(request, releases, context.logger),
    'GET /v1/apps/:app/:platform/builds': (request) => handleListBuilds(request, releases),
    'DELETE /v1/apps/:app/:platform/builds/:build': (request) => handleRemoveBuild(request, releases),
    'GET /v1/uploads/status': (request) =>
      handleUploadStatus(request, store, config.uploadPrefix, visibleWithinSeconds),
    'GET /v1/manage/health': () => handleHealth(store),
  };
  const guarded = Object.fromEntries(
    routes.map((route) => {
      const key = `${route.method} ${route.path}`;
      return [key, authorize(route.action, (handlers as Record<string, HttpHandler>)[key]!, config)];
    }),
  ) as RouteHandlers<typeof routes>;
  const route = createDeclaredRouter(routes, guarded);
  const authenticate = createAuthenticator(config, nonces, now);
  return async (request, context) => {
    const principal = await authenticate(request);
    context.logger.appendKeys({ app_key: principal });
    return route({ ...request, principal }, context);
  };
}
