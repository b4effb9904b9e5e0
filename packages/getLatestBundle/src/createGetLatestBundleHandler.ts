import { createRouter, type HttpHandler, type ObjectStore } from '@hotpatch/common';
import { handleHealth } from './handleHealth';

export interface GetLatestBundleDependencies {
  store: ObjectStore;
}

/** The HTTP handler of getLatestBundle: its route table bound to its dependencies. */
export function createGetLatestBundleHandler(dependencies: GetLatestBundleDependencies): HttpHandler {
  return createRouter([
    { method: 'GET', path: '/v1/health', handler: () => handleHealth(dependencies.store) },
  ]);
}
