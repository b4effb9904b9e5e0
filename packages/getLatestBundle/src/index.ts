import { createStoreFromConfig, defineHttpFunction, type Env, type FunctionOptions } from '@hotpatch/common';
import { createGetLatestBundleHandler } from './createGetLatestBundleHandler';
import { loadCheckConfig } from './loadCheckConfig';

export { routes } from './routes';
export {
  createGetLatestBundleHandler,
  createCheckCaches,
  CHECK_CACHE_LIMITS,
  type CheckCaches,
  type GetLatestBundleDependencies,
} from './createGetLatestBundleHandler';
export { loadCheckConfig, type CheckConfig } from './loadCheckConfig';
export { createExpoResponder, EXPO_CACHE_LIMITS, type ExpoResponder } from './expoResponses';

export const FUNCTION_NAME = 'getLatestBundle';

/** The FC entry point built from an environment (FC's, or the one the local stack gives). */
export function createGetLatestBundleFunction(env: Env, options: FunctionOptions = {}) {
  return defineHttpFunction(FUNCTION_NAME, env, options, ({ runtime, now }) => {
    const config = loadCheckConfig(env);
    // The check path's own store: the same bucket with short request timeouts, so a stalled OSS holds no device.
    const store = createStoreFromConfig(runtime.storageConfig(), runtime.credentials, {
      timeoutMs: config.storageTimeoutMs,
    });
    return createGetLatestBundleHandler({ store, config, now, logger: runtime.logger });
  });
}

/** FC handler `index.handler`. */
export const handler = createGetLatestBundleFunction(process.env);
