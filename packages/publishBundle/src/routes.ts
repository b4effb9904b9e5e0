import type { RouteDeclaration } from '@hotpatch/common';
import type { ManagementAction } from '@hotpatch/core';

/**
 * publishBundle's HTTP routes: every one requires an authenticated management key, and each names the action
 * it performs, which `MANAGEMENT_ACTIONS` (core) maps to the role a key needs for it.
 */
export const routes = [
  { method: 'POST', path: '/v1/apps', action: 'createApp' },
  { method: 'GET', path: '/v1/apps', action: 'listApps' },
  { method: 'GET', path: '/v1/apps/:app', action: 'showApp' },
  { method: 'POST', path: '/v1/apps/:app/channels', action: 'addChannel' },
  { method: 'DELETE', path: '/v1/apps/:app/channels/:channel', action: 'removeChannel' },
  { method: 'POST', path: '/v1/apps/:app/channels/:channel/keys', action: 'rotateKeys' },
  { method: 'PUT', path: '/v1/apps/:app/channels/:channel/halt-policy', action: 'setHaltPolicy' },
  { method: 'POST', path: '/v1/apps/:app/:platform/:channel/promote', action: 'promote' },
  { method: 'PATCH', path: '/v1/apps/:app/:platform/:channel/releases/:label', action: 'patch' },
  { method: 'POST', path: '/v1/apps/:app/:platform/:channel/rollback', action: 'rollback' },
  { method: 'POST', path: '/v1/apps/:app/:platform/:channel/rollback-to-embedded', action: 'rollbackToEmbedded' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/history', action: 'history' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/metrics', action: 'metrics' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/health', action: 'releaseHealth' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/explain', action: 'explain' },
  { method: 'POST', path: '/v1/manage/gc', action: 'gc' },
  { method: 'POST', path: '/v1/apps/:app/:platform/builds', action: 'registerBuild' },
  { method: 'GET', path: '/v1/apps/:app/:platform/builds', action: 'listBuilds' },
  { method: 'DELETE', path: '/v1/apps/:app/:platform/builds/:build', action: 'removeBuild' },
  { method: 'GET', path: '/v1/uploads/status', action: 'uploadStatus' },
  { method: 'GET', path: '/v1/apps/:app/uploads', action: 'uploadStatus' },
  { method: 'GET', path: '/v1/manage/health', action: 'health' },
  { method: 'GET', path: '/v1/manage/whoami', action: 'whoami' },
] as const satisfies readonly (RouteDeclaration & { action: ManagementAction })[];

/**
 * The web console's static files (packages/console), served by publishBundle without a signature: they hold
 * no data, and every call the page makes is signed in the browser like any other client's.
 */
export const consoleRoutes = [
  { method: 'GET', path: '/console' },
  { method: 'GET', path: '/console/' },
  { method: 'GET', path: '/console/:file' },
] as const satisfies readonly RouteDeclaration[];
