export * from './ossTriggerEvent';
export {
  parseHttpEvent,
  toFcHttpResponse,
  readFc2HttpRequest,
  sendFc2HttpResponse,
  isFc2HttpResponse,
  type FcHttpResponse,
  type HttpEventSource,
  type Fc2HttpRequest,
  type Fc2HttpResponse,
} from './httpEvent';
export type { FcContext } from './FcContext';
export { createFcHttpHandler, type FcHttpHandlerOptions, type FcHttpFunction } from './createFcHttpHandler';
export { createFcOssHandler, type FcOssHandlerOptions } from './createFcOssHandler';
export { createFunctionRuntime, type FunctionRuntime } from './createFunctionRuntime';
export { defineHttpFunction, defineOssFunction, type FunctionOptions, type FunctionParts } from './defineFunction';
export { runInvocation, currentInvocation, runWithOwnKeys, type Invocation } from './invocationScope';
export { FUNCTION_SIZING, FOLD_TIMER_TRIGGER, MAX_INSTANCE_CONCURRENCY } from './functionSizing';
export { createFcTimerHandler, parseTimerEvent, type FcTimerEvent } from './createFcTimerHandler';
