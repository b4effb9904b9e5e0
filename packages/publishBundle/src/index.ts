import {
  ConfigError,
  createAppRegistry,
  createFcTimerHandler,
  createFunctionRuntime,
  defineHttpFunction,
  parseTimerEvent,
  type Env,
  type FcContext,
  type FcHttpFunction,
  type FunctionOptions,
  type HttpHandler,
} from '@hotpatch/common';
import { runFoldTimer } from './runFoldTimer';
import { createMemoryNonceStore } from './createNonceStore';
import { HEALTH_PATH, misconfiguredHealth } from './handleHealth';
import { createAuthenticator, createPublishBundleHandler } from './createPublishBundleHandler';
import { loadPublishConfig } from './loadPublishConfig';

export { consoleRoutes, routes } from './routes';
export { createPublishBundleHandler, type PublishBundleDependencies } from './createPublishBundleHandler';
export { loadPublishConfig, type PublishConfig } from './loadPublishConfig';
export { verifyAppSignature, TIMESTAMP_WINDOW_MS } from './verifyAppSignature';

export const FUNCTION_NAME = 'publishBundle';

/**
 * The FC entry point built from an environment (FC's, or the one the local stack gives): the management HTTP
 * routes, and the timer (`runFoldTimer`: fold metrics, auto-halt) when FC's time trigger invokes it.
 */
export function createPublishBundleFunction(env: Env, options: FunctionOptions = {}): FcHttpFunction {
  const http = createHttpEntry(env, options);
  const runtime = createFunctionRuntime(FUNCTION_NAME, env, options);
  const now = options.now ?? (() => new Date());
  const timer = createFcTimerHandler({
    logger: runtime.logger,
    credentials: runtime.credentials,
    handle: () => {
      const store = runtime.store();
      const registry = createAppRegistry(store, now);
      return () => runFoldTimer({ store, registry, now, logger: runtime.logger });
    },
  });
  return ((event: unknown, second: unknown, third?: unknown) => {
    const timerEvent = third === undefined ? parseTimerEvent(event) : null;
    if (timerEvent) return timer(timerEvent, second as FcContext);
    return (http as (...args: unknown[]) => Promise<unknown>)(event, second, third);
  }) as FcHttpFunction;
}

function createHttpEntry(env: Env, options: FunctionOptions): FcHttpFunction {
  return defineHttpFunction(FUNCTION_NAME, env, options, ({ runtime, now }) => {
    // Without app keys nobody can sign: every request gets the adapter's 500 ConfigError and the log names
    // the variable. With them, a broken storage setting is still named to a signed caller of the health route.
    const config = loadPublishConfig(env);
    let handler: HttpHandler | undefined;
    const authenticateHealth = createAuthenticator(config, createMemoryNonceStore(), now);
    return async (request, context) => {
      try {
        handler ??= createPublishBundleHandler({ store: runtime.store(), config, now });
      } catch (error) {
        if (!(error instanceof ConfigError) || request.method !== 'GET' || request.path !== HEALTH_PATH) throw error;
        await authenticateHealth(request);
        context.logger.error(`configuration error: ${error.message}`, { variable: error.variable });
        return misconfiguredHealth(error);
      }
      return handler(request, context);
    };
  });
}

/** FC handler `index.handler`. */
export const handler = createPublishBundleFunction(process.env);
