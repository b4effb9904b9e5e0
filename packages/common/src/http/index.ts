export type { HttpHandler, HttpRequest, HttpResponse, InvocationContext } from './HttpRequest';
export {
  jsonResponse,
  errorToHttpResponse,
  RETRY_AFTER_SECONDS,
  CONFIG_ERROR_CODE,
  CONFIG_ERROR_MESSAGE,
  type ErrorBody,
} from './jsonResponse';
export {
  createDeclaredRouter,
  createRouter,
  createRouteMatcher,
  type Route,
  type RouteDeclaration,
  type RouteHandlers,
  type RouteKey,
} from './createRouter';
export { readJsonObject } from './readJsonObject';
