import type { RouteDeclaration } from '@hotpatch/common';

/** getLatestBundle's HTTP routes (public, read-only): what API Gateway and the local front send it. */
export const routes = [
  { method: 'GET', path: '/v1/check' },
  { method: 'GET', path: '/v1/health' },
  { method: 'GET', path: '/v1/expo/:app/manifest' },
  { method: 'GET', path: '/v0.1/public/codepush/update_check' },
  { method: 'GET', path: '/updateCheck' },
  { method: 'POST', path: '/v0.1/public/codepush/report_status/deploy' },
  { method: 'POST', path: '/v0.1/public/codepush/report_status/download' },
  { method: 'POST', path: '/reportStatus/deploy' },
  { method: 'POST', path: '/reportStatus/download' },
] as const satisfies readonly RouteDeclaration[];
