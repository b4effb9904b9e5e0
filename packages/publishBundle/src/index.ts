import { createFcHttpHandler, createFunctionRuntime, type Env } from '@hotpatch/common';
import { createPublishBundleHandler } from './createPublishBundleHandler';
import { loadPublishConfig } from './loadPublishConfig';

export { routes } from './routes';
export { createPublishBundleHandler, type PublishBundleDependencies } from './createPublishBundleHandler';
export { loadPublishConfig, type PublishConfig } from './loadPublishConfig';
export { verifyAppSignature, TIMESTAMP_WINDOW_MS } from './verifyAppSignature';
export type { MetricsResponse } from './handleMetrics';

export const FUNCTION_NAME = 'publishBundle';

/** The FC entry point built from an environment (FC's, or the one the local stack gives). */
export function createPublishBundleFunction(env: Env) {
  const runtime = createFunctionRuntime(FUNCTION_NAME, env);
  return createFcHttpHandler({
    functionName: FUNCTION_NAME,
    logger: runtime.logger,
    credentials: runtime.credentials,
    handle: () => createPublishBundleHandler({ store: runtime.store(), config: loadPublishConfig(env) }),
  });
}

/** FC handler `index.handler`. */
export const handler = createPublishBundleFunction(process.env);
