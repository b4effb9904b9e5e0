import { createFcHttpHandler, createFunctionRuntime, type Env } from '@hotpatch/common';
import { createGetLatestBundleHandler } from './createGetLatestBundleHandler';

export { routes } from './routes';
export { createGetLatestBundleHandler, type GetLatestBundleDependencies } from './createGetLatestBundleHandler';

export const FUNCTION_NAME = 'getLatestBundle';

/** The FC entry point built from an environment (FC's, or the one the local stack gives). */
export function createGetLatestBundleFunction(env: Env) {
  const runtime = createFunctionRuntime(FUNCTION_NAME, env);
  return createFcHttpHandler({
    functionName: FUNCTION_NAME,
    logger: runtime.logger,
    credentials: runtime.credentials,
    handle: () => createGetLatestBundleHandler({ store: runtime.store() }),
  });
}

/** FC handler `index.handler`. */
export const handler = createGetLatestBundleFunction(process.env);
