import { createFcHttpHandler, createFunctionRuntime, type Env } from '@hotpatch/common';
import { createGetLatestBundleHandler } from './createGetLatestBundleHandler';
import { loadCheckConfig } from './loadCheckConfig';

export { routes } from './routes';
export { createGetLatestBundleHandler, type GetLatestBundleDependencies } from './createGetLatestBundleHandler';
export { loadCheckConfig, type CheckConfig } from './loadCheckConfig';

export const FUNCTION_NAME = 'getLatestBundle';

/** The FC entry point built from an environment (FC's, or the one the local stack gives). */
export function createGetLatestBundleFunction(env: Env, options: { writeLog?: (line: string) => void } = {}) {
  const runtime = createFunctionRuntime(FUNCTION_NAME, env, options);
  return createFcHttpHandler({
    functionName: FUNCTION_NAME,
    logger: runtime.logger,
    credentials: runtime.credentials,
    handle: () => createGetLatestBundleHandler({ store: runtime.store(), config: loadCheckConfig(env) }),
  });
}

/** FC handler `index.handler`. */
export const handler = createGetLatestBundleFunction(process.env);
