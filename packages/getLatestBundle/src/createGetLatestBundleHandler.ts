import { createDeclaredRouter, type HttpHandler, type ObjectStore } from '@hotpatch/common';
import { parseAppRecord, parseCatalog, parseDeploymentRef, prepareCatalog } from '@hotpatch/core';
import { handleCodePushDeployReport, handleCodePushDownloadReport, handleCodePushUpdateCheck } from './handleCodePush';
import { createRevalidatingCache } from './createRevalidatingCache';
import { handleCheck } from './handleCheck';
import { handleHealth } from './handleHealth';
import { createCatalogSource } from './registeredCatalog';
import type { CheckConfig } from './loadCheckConfig';
import { routes } from './routes';

export interface GetLatestBundleDependencies {
  store: ObjectStore;
  config: CheckConfig;
  now?: () => Date;
}

/** The HTTP handler of getLatestBundle: its route table bound to its dependencies, caches made once. */
export function createGetLatestBundleHandler(dependencies: GetLatestBundleDependencies): HttpHandler {
  const { store, config } = dependencies;
  const clock = dependencies.now ?? (() => new Date());
  // The caches count milliseconds.
  const now = (): number => clock().getTime();
  const catalogs = createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: (json) => prepareCatalog(parseCatalog(json)), now });
  const source = createCatalogSource(catalogs, createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: parseAppRecord, now }));
  const check = { store, source };
  const codePush = { store, source, deploymentKeys: createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: parseDeploymentRef, now }), now: clock };
  return createDeclaredRouter(routes, {
    'GET /v1/check': (request) => handleCheck(request, check),
    'GET /v1/health': () => handleHealth(store),
    'GET /v0.1/public/codepush/update_check': (request) => handleCodePushUpdateCheck(request, codePush, 'appCenter'),
    'GET /updateCheck': (request) => handleCodePushUpdateCheck(request, codePush, 'legacy'),
    'POST /v0.1/public/codepush/report_status/deploy': (request) => handleCodePushDeployReport(request, codePush),
    'POST /v0.1/public/codepush/report_status/download': (request) => handleCodePushDownloadReport(request, codePush),
    'POST /reportStatus/deploy': (request) => handleCodePushDeployReport(request, codePush),
    'POST /reportStatus/download': (request) => handleCodePushDownloadReport(request, codePush),
  });
}
