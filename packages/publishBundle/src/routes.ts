import type { RouteDeclaration } from '@hotpatch/common';

/** publishBundle's HTTP routes: every one requires API Gateway app authentication (HmacSHA256). */
export const routes = [
  { method: 'POST', path: '/v1/apps' },
  { method: 'GET', path: '/v1/apps' },
  { method: 'GET', path: '/v1/apps/:app' },
  { method: 'POST', path: '/v1/apps/:app/channels' },
  { method: 'DELETE', path: '/v1/apps/:app/channels/:channel' },
  { method: 'POST', path: '/v1/apps/:app/channels/:channel/keys' },
  { method: 'POST', path: '/v1/apps/:app/:platform/:channel/promote' },
  { method: 'PATCH', path: '/v1/apps/:app/:platform/:channel/releases/:label' },
  { method: 'POST', path: '/v1/apps/:app/:platform/:channel/rollback' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/history' },
  { method: 'GET', path: '/v1/apps/:app/:platform/:channel/metrics' },
  { method: 'GET', path: '/v1/uploads/status' },
  { method: 'GET', path: '/v1/manage/health' },
] as const satisfies readonly RouteDeclaration[];
