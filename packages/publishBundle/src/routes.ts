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
  { method: 'POST', path: '/v1/apps/:app/:platform/:channel/promote', action: 'promote' },
  { method: 'PATCH', path: '/v1/apps/:app/:platform/:channel/releases/:label', action: 'patch' },
  { method: 'POST', path: '/v1/apps/:app/:platform/:channel/rollback', action: 'rollback' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/history', action: 'history' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/metrics', action: 'metrics' },
  { method: 'POST', path: '/v1/apps/:app/:platform/builds', action: 'registerBuild' },
  { method: 'GET', path: '/v1/apps/:app/:platform/builds', action: 'listBuilds' },
  { method: 'DELETE', path: '/v1/apps/:app/:platform/builds/:build', action: 'removeBuild' },
  { method: 'GET', path: '/v1/uploads/status', action: 'uploadStatus' },
  { method: 'GET', path: '/v1/manage/health', action: 'health' },
] as const satisfies readonly (RouteDeclaration & { action: ManagementAction })[];
