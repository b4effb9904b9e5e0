export * from './ossTriggerEvent';
export { parseHttpEvent, toFcHttpResponse, type FcHttpResponse, type HttpEventSource } from './httpEvent';
export type { FcContext } from './FcContext';
export { createFcHttpHandler, type FcHttpHandlerOptions } from './createFcHttpHandler';
export { createFcOssHandler, type FcOssHandlerOptions } from './createFcOssHandler';
export { createFunctionRuntime, type FunctionRuntime } from './createFunctionRuntime';
