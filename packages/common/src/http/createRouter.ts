import { MethodNotAllowedError, NotFoundError } from '../errors';
import type { HttpHandler, HttpRequest } from './HttpRequest';

/** One route of a function: method, path pattern (`/v1/apps/:app`), and its handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handler: HttpHandler;
}

/** The declaration of a route without its handler: what the local front and the OpenAPI description need. */
export type RouteDeclaration = Pick<Route, 'method' | 'path'>;

interface RoutePattern {
  pattern: RegExp;
  names: string[];
}

/** `/v1/apps/:app` → a pattern with one capture per `:name` segment. */
function compilePath(path: string): RoutePattern {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), names };
}

/** A predicate telling whether declared routes serve a path (used by the local front to pick a function). */
export function createRouteMatcher(routes: readonly RouteDeclaration[]): (path: string) => boolean {
  const patterns = routes.map((route) => compilePath(route.path).pattern);
  return (path) => patterns.some((pattern) => pattern.test(path));
}

/** Dispatches by method and path; unknown paths are 404, known paths with another method 405. */
export function createRouter(routes: readonly Route[]): HttpHandler {
  const compiled = routes.map((route) => ({ ...route, ...compilePath(route.path) }));
  return async (request: HttpRequest, context) => {
    let pathKnown = false;
    for (const route of compiled) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      pathKnown = true;
      if (route.method !== request.method) continue;
      const pathParameters: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParameters[name] = match[index + 1]!;
      });
      return route.handler({ ...request, pathParameters }, context);
    }
    if (pathKnown) throw new MethodNotAllowedError(`${request.method} is not allowed on ${request.path}`);
    throw new NotFoundError(`no route for ${request.method} ${request.path}`);
  };
}

/** `"GET /v1/check"`: one key per declared route. */
export type RouteKey<Declarations extends readonly RouteDeclaration[]> =
  `${Declarations[number]['method']} ${Declarations[number]['path']}`;

/** A handler for each declared route, keyed `"METHOD path"`: the compiler rejects a missing or unknown one. */
export type RouteHandlers<Declarations extends readonly RouteDeclaration[]> = {
  [Route in Declarations[number] as `${Route['method']} ${Route['path']}`]: HttpHandler;
};

/**
 * The router of a function from its route declarations (the one list the local gateway and the OpenAPI
 * description read too) and a handler per declaration.
 */
export function createDeclaredRouter<Declarations extends readonly RouteDeclaration[]>(
  declarations: Declarations,
  handlers: NoInfer<RouteHandlers<Declarations>>,
): HttpHandler {
  const byKey = handlers as Record<string, HttpHandler>;
  const undeclared = Object.keys(byKey).filter(
    (key) => !declarations.some((route) => `${route.method} ${route.path}` === key),
  );
  if (undeclared.length > 0) throw new Error(`handlers for undeclared routes: ${undeclared.join(', ')}`);
  return createRouter(declarations.map((route) => ({ ...route, handler: byKey[`${route.method} ${route.path}`]! })));
}
