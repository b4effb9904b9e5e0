import { defineHttpFunction, type Env, type FunctionOptions } from '@hotpatch/common';
import { createGetLatestBundleHandler } from './createGetLatestBundleHandler';
import { loadCheckConfig } from './loadCheckConfig';

export { routes } from './routes';
export { createGetLatestBundleHandler, type GetLatestBundleDependencies } from './createGetLatestBundleHandler';
export { loadCheckConfig, type CheckConfig } from './loadCheckConfig';

export const FUNCTION_NAME = 'getLatestBundle';

/** The FC entry point built from an environment (FC's, or the one the local stack gives). */
export function createGetLatestBundleFunction(env: Env, options: FunctionOptions = {}) {
  return defineHttpFunction(FUNCTION_NAME, env, options, ({ runtime, now }) => createGetLatestBundleHandler({ store: runtime.store(), config: loadCheckConfig(env), now }));
}

/** FC handler `index.handler`. */
export const handler = createGetLatestBundleFunction(process.env);
