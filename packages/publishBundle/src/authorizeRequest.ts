import { ForbiddenError, type HttpHandler, type HttpRequest, type ManagementKey } from '@hotpatch/common';
import { accessProblem, type ManagementAction } from '@hotpatch/core';

/**
 * The app a request acts on: the `:app` of its path, the `name` of an app being created, or the app segment of
 * an upload key; undefined when there is none (listing apps) or the input is malformed (the handler then
 * answers 400 and changes nothing).
 */
function targetApp(action: ManagementAction, request: HttpRequest, uploadPrefix: string): string | undefined {
  if (request.pathParameters.app !== undefined) return request.pathParameters.app;
  // gc judges the whole bucket: only a key for every app (`*` is no app name, so only `apps: *` covers it).
  if (action === 'gc') return '*';
  if (action === 'createApp') {
    try {
      const name = (JSON.parse(request.body.toString('utf8')) as { name?: unknown } | null)?.name;
      return typeof name === 'string' ? name : undefined;
    } catch {
      return undefined;
    }
  }
  if (action === 'uploadStatus') {
    const key = request.query.key ?? '';
    return key.startsWith(uploadPrefix) ? key.slice(uploadPrefix.length).split('/')[0] : undefined;
  }
  return undefined;
}

/**
 * Wraps a route's handler so that it runs only when the request's key may perform `action` on the app the
 * request names: otherwise 403 with the missing permission (`key "ci" may not promote: needs role release on
 * app shop …`). Authentication has set `request.principal` to a configured key before this runs.
 */
export function authorize(
  action: ManagementAction,
  handler: HttpHandler,
  options: { appKeys: ReadonlyMap<string, ManagementKey>; uploadPrefix: string },
): HttpHandler {
  return async (request, context) => {
    const key = request.principal ?? '';
    const configured = options.appKeys.get(key);
    if (!configured) throw new ForbiddenError(`key ${JSON.stringify(key)} is not a management key`);
    const problem = accessProblem(key, configured.scope, action, targetApp(action, request, options.uploadPrefix));
    if (problem) throw new ForbiddenError(problem);
    return handler(request, context);
  };
}
