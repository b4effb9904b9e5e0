import type { Env } from '../config/createEnvReader';
import type { HttpHandler } from '../http/HttpRequest';
import { createFcHttpHandler, type FcHttpFunction } from './createFcHttpHandler';
import { createFcOssHandler, type FcOssHandlerOptions } from './createFcOssHandler';
import { createFunctionRuntime, type FunctionRuntime } from './createFunctionRuntime';
import type { FcContext } from './FcContext';

/**
 * What every function's factory accepts. `writeLog` replaces stdout (tests read what an operator would see in
 * the function log); `now` replaces the system clock (the fleet simulation runs instances on virtual time).
 */
export interface FunctionOptions {
  writeLog?: (line: string) => void;
  now?: () => Date;
}

/**
 * What a function builds its handler from, the same for every function: its environment, the instance's
 * runtime (logger, credentials, store) and the clock. The handler is built on the first invocation, so a
 * configuration error fails that invocation visibly (and is logged), never the module import.
 */
export interface FunctionParts {
  env: Env;
  runtime: FunctionRuntime;
  /** The clock; every function takes time as `() => Date`. */
  now: () => Date;
}

const systemClock = (): Date => new Date();

/** An HTTP function (getLatestBundle, publishBundle): one runtime per instance, FC's HTTP delivery adapted by `createFcHttpHandler`. */
export function defineHttpFunction(
  functionName: string,
  env: Env,
  options: FunctionOptions,
  build: (parts: FunctionParts) => HttpHandler,
): FcHttpFunction {
  const runtime = createFunctionRuntime(functionName, env, options);
  return createFcHttpHandler({
    functionName,
    logger: runtime.logger,
    credentials: runtime.credentials,
    handle: () => build({ env, runtime, now: options.now ?? systemClock }),
  });
}

/** An OSS-trigger function (uploadBundle): one runtime per instance, FC's OSS events adapted by `createFcOssHandler`. */
export function defineOssFunction<Result>(
  functionName: string,
  env: Env,
  options: FunctionOptions,
  build: (parts: FunctionParts) => ReturnType<FcOssHandlerOptions<Result>['handle']>,
): (event: unknown, context: FcContext) => Promise<Result[]> {
  const runtime = createFunctionRuntime(functionName, env, options);
  return createFcOssHandler({
    logger: runtime.logger,
    credentials: runtime.credentials,
    handle: () => build({ env, runtime, now: options.now ?? systemClock }),
  });
}
