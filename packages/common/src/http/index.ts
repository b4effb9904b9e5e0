export type { HttpHandler, HttpRequest, HttpResponse, InvocationContext } from './HttpRequest';
export { jsonResponse, errorToHttpResponse, RETRY_AFTER_SECONDS, type ErrorBody } from './jsonResponse';
export { createRouter, createRouteMatcher, type Route, type RouteDeclaration } from './createRouter';
