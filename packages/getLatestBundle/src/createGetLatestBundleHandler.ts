import { createRouter, type HttpHandler, type ObjectStore } from '@hotpatch/common';
import { parseAppRecord, parseCatalog, prepareCatalog } from '@hotpatch/core';
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
  const check = {
    store,
    apps: createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: parseAppRecord, now }),
    catalogs: createRevalidatingCache({ store, ttlMs: config.catalogTtlMs, parse: (json) => prepareCatalog(parseCatalog(json)), now }),
  };
  return createRouter([
    { method: 'GET', path: '/v1/check', handler: (request) => handleCheck(request, check) },
    { method: 'GET', path: '/v1/health', handler: () => handleHealth(store) },
  ]);
}
