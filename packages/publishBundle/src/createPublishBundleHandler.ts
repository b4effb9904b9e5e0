import { tmpdir } from 'node:os';
import {
  createAppRegistry,
  createDeclaredRouter,
  createRouteMatcher,
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
import { handleHistory, handlePatch, handlePromote, handleRollback, handleRollbackToEmbedded } from './handleReleases';
import { handleMetrics } from './handleMetrics';
import { handleExplain, handleReleaseHealth, handleSetHaltPolicy } from './handleReleaseHealth';
import { handleGc } from './collectGarbage';
import { handleUploadStatus } from './handleUploadStatus';
import { handleHealth } from './handleHealth';
import { handleRecentUploads } from './handleRecentUploads';
import { handleWhoami } from './handleWhoami';
import { createConsoleHandler } from './serveConsole';
import type { PublishConfig } from './loadPublishConfig';
import { consoleRoutes, routes } from './routes';
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

/**
 * The HTTP handler of publishBundle: the console's static files as they are; every other route after
 * authentication (direct or gateway mode), then its permission.
 */
export function createPublishBundleHandler(dependencies: PublishBundleDependencies): HttpHandler {
  const { store, config } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const registry = createAppRegistry(store, now);
  const nonces = createNonceStore(store);
  const visibleWithinSeconds = config.catalogTtlSeconds ?? DEFAULT_CATALOG_TTL_SECONDS;
  const patches = config.patches ?? readPatchSettings({}, 'publishBundle');
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
    'PUT /v1/apps/:app/channels/:channel/halt-policy': (request) => handleSetHaltPolicy(request, registry),
    'POST /v1/apps/:app/:platform/:channel/promote': (request, context) =>
      handlePromote(request, releases, context.logger),
    'PATCH /v1/apps/:app/:platform/:channel/releases/:label': (request) => handlePatch(request, releases),
    'POST /v1/apps/:app/:platform/:channel/rollback': (request) => handleRollback(request, releases),
    'POST /v1/apps/:app/:platform/:channel/rollback-to-embedded': (request) =>
      handleRollbackToEmbedded(request, releases),
    'GET /v1/apps/:app/:platform/:channel/history': (request) => handleHistory(request, releases),
    'GET /v1/apps/:app/:platform/:channel/metrics': (request) => handleMetrics(request, store, registry),
    'GET /v1/apps/:app/:platform/:channel/health': (request) => handleReleaseHealth(request, store, registry),
    'GET /v1/apps/:app/:platform/:channel/explain': (request) => handleExplain(request, store, registry),
    'POST /v1/manage/gc': (request) => handleGc(request, store, config.uploadPrefix, now),
    'POST /v1/apps/:app/:platform/builds': (request, context) => handleRegisterBuild(request, releases, context.logger),
    'GET /v1/apps/:app/:platform/builds': (request) => handleListBuilds(request, releases),
    'DELETE /v1/apps/:app/:platform/builds/:build': (request) => handleRemoveBuild(request, releases),
    'GET /v1/uploads/status': (request) =>
      handleUploadStatus(request, store, config.uploadPrefix, visibleWithinSeconds),
    'GET /v1/apps/:app/uploads': (request) => handleRecentUploads(request, store),
    'GET /v1/manage/health': () => handleHealth(store),
    'GET /v1/manage/whoami': async (request) => handleWhoami(request, config.appKeys),
  };
  const guarded = Object.fromEntries(
    routes.map((route) => {
      const key = `${route.method} ${route.path}`;
      return [key, authorize(route.action, (handlers as Record<string, HttpHandler>)[key]!, config)];
    }),
  ) as RouteHandlers<typeof routes>;
  const route = createDeclaredRouter(routes, guarded);
  const authenticate = createAuthenticator(config, nonces, now);
  // The console's static files need no signature (they hold no data): routed before authentication.
  const serveConsole = createConsoleHandler();
  const consoleRoute = createDeclaredRouter(consoleRoutes, {
    'GET /console': serveConsole,
    'GET /console/': serveConsole,
    'GET /console/:file': serveConsole,
  });
  const isConsolePath = createRouteMatcher(consoleRoutes);
  return async (request, context) => {
    if (isConsolePath(request.path)) return consoleRoute(request, context);
    const principal = await authenticate(request);
    context.logger.appendKeys({ app_key: principal });
    return route({ ...request, principal }, context);
  };
}
