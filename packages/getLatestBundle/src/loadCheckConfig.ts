import { readCatalogTtlSeconds, type Env } from '@hotpatch/common';

export interface CheckConfig {
  /** How long a warm instance serves a catalog or app record from memory before revalidating it. */
  catalogTtlMs: number;
}

/** `HOTPATCH_CATALOG_TTL_SECONDS` (default 10, 0 revalidates on every request, at most 3600). */
export function loadCheckConfig(env: Env): CheckConfig {
  return { catalogTtlMs: readCatalogTtlSeconds(env) * 1000 };
}
