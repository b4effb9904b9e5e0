import { jsonResponse, type HttpRequest, type HttpResponse, type ManagementKey } from '@hotpatch/common';
import { MANAGEMENT_ACTIONS, roleIncludes, type ManagementAction, type WhoamiResponse } from '@hotpatch/core';

/**
 * `GET /v1/manage/whoami`: the calling key, its role and apps, and the actions its role allows (from the one
 * table in core), so a client such as the web console shows only what the key may do. The server still checks
 * every request; this answer only spares the user buttons that would be refused.
 */
export function handleWhoami(request: HttpRequest, appKeys: ReadonlyMap<string, ManagementKey>): HttpResponse {
  const key = request.principal ?? '';
  const { scope } = appKeys.get(key)!;
  const actions = (Object.keys(MANAGEMENT_ACTIONS) as ManagementAction[]).filter((action) =>
    roleIncludes(scope.role, MANAGEMENT_ACTIONS[action].role),
  );
  const answer: WhoamiResponse = { key, role: scope.role, apps: scope.apps, actions };
  return jsonResponse(200, answer, { 'Cache-Control': 'no-store' });
}
