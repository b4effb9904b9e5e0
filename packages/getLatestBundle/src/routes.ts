import type { RouteDeclaration } from '@hotpatch/common';

/** getLatestBundle's HTTP routes (public, read-only): what API Gateway and the local front send it. */
export const routes = [
  { method: 'GET', path: '/v1/check' },
  { method: 'GET', path: '/v1/health' },
] as const satisfies readonly RouteDeclaration[];
