import { createRouter, type HttpHandler, type ObjectStore } from '@hotpatch/common';
import { parseAppRecord, parseCatalog, parseDeploymentRef, prepareCatalog } from '@hotpatch/core';
import { handleCodePushDeployReport, handleCodePushDownloadReport, handleCodePushUpdateCheck } from './handleCodePush';
import { createRevalidatingCache } from './createRevalidatingCache';
import { handleCheck } from './handleCheck';
import { handleHealth } from './handleHealth';
import type { CheckConfig } from './loadCheckConfig';

export interface GetLatestBundleDependencies {
  store: ObjectStore;
  config: CheckConfig;
  now?: () => number;
}

/** The HTTP handler of getLatestBundle: its route table bound to its dependencies, caches made once. */
export function createGetLatestBundleHandler(dependencies: GetLatestBundleDependencies): HttpHandler {
  const { store, config } = dependencies;
  const now = dependencies.now ?? Date.now;
  const catalogs = createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: (json) => prepareCatalog(parseCatalog(json)), now });
  const check = { store, catalogs, apps: createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: parseAppRecord, now }) };
  const codePush = { store, catalogs, deploymentKeys: createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: parseDeploymentRef, now }), now: () => new Date(now()) };
  return createRouter([
    { method: 'GET', path: '/v1/check', handler: (request) => handleCheck(request, check) },
    { method: 'GET', path: '/v1/health', handler: () => handleHealth(store) },
    { method: 'GET', path: '/v0.1/public/codepush/update_check', handler: (request) => handleCodePushUpdateCheck(request, codePush, 'appCenter') },
    { method: 'GET', path: '/updateCheck', handler: (request) => handleCodePushUpdateCheck(request, codePush, 'legacy') },
    { method: 'POST', path: '/v0.1/public/codepush/report_status/deploy', handler: (request) => handleCodePushDeployReport(request, codePush) },
    { method: 'POST', path: '/v0.1/public/codepush/report_status/download', handler: (request) => handleCodePushDownloadReport(request, codePush) },
    { method: 'POST', path: '/reportStatus/deploy', handler: (request) => handleCodePushDeployReport(request, codePush) },
    { method: 'POST', path: '/reportStatus/download', handler: (request) => handleCodePushDownloadReport(request, codePush) },
  ]);
}
