import { createFcHttpHandler, createFunctionRuntime, createStoreFromConfig, type Env } from '@hotpatch/common';
import { createGetLatestBundleHandler } from './createGetLatestBundleHandler';
import { loadCheckConfig } from './loadCheckConfig';

export { routes } from './routes';
export { createGetLatestBundleHandler, createCheckCaches, CHECK_CACHE_LIMITS, type CheckCaches, type GetLatestBundleDependencies } from './createGetLatestBundleHandler';
export { loadCheckConfig, type CheckConfig } from './loadCheckConfig';
export type { CheckResponse, CheckRelease } from './toCheckResponse';

export const FUNCTION_NAME = 'getLatestBundle';

/** The FC entry point built from an environment (FC's, or the one the local stack gives). */
export function createGetLatestBundleFunction(env: Env, options: { writeLog?: (line: string) => void } = {}) {
  const runtime = createFunctionRuntime(FUNCTION_NAME, env, options);
  return createFcHttpHandler({
    functionName: FUNCTION_NAME,
    logger: runtime.logger,
    credentials: runtime.credentials,
    handle: () => {
      const config = loadCheckConfig(env);
      // The check path's own store: the same bucket with short request timeouts, so a stalled OSS holds no device.
      const store = createStoreFromConfig(runtime.storageConfig(), runtime.credentials, { timeoutMs: config.storageTimeoutMs });
      return createGetLatestBundleHandler({ store, config, logger: runtime.logger });
    },
  });
}

/** FC handler `index.handler`. */
export const handler = createGetLatestBundleFunction(process.env);
