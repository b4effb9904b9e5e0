import {
  deploymentProblem,
  emptyCatalog,
  prepareCatalog,
  storageKeys,
  type AppRecord,
  type DeploymentRef,
  type PreparedCatalog,
} from '@hotpatch/core';
import type { RevalidatingCache } from './createRevalidatingCache';

/** Where public routes find a deployment's releases: the catalog, vouched for by the app registry. */
export interface CatalogSource {
  catalogs: RevalidatingCache<PreparedCatalog>;
  apps: RevalidatingCache<AppRecord>;
  /** Catalog objects the registry has vouched for; a new object (a changed catalog) is checked once. */
  registered: WeakSet<PreparedCatalog>;
}

export function createCatalogSource(
  catalogs: RevalidatingCache<PreparedCatalog>,
  apps: RevalidatingCache<AppRecord>,
): CatalogSource {
  return { catalogs, apps, registered: new WeakSet() };
}

/**
 * The deployment's catalog when the registry names the deployment (an empty one when it has no release yet),
 * else null. A catalog is served only for a registered deployment: removing a channel deletes its catalogs, but
 * a release running at that moment may write one again, and catalogs of channels removed by older versions
 * remain. So each catalog object the cache loads (a new object only when the stored catalog changed) is checked
 * against the app record once; the common case stays one cached read, and a removed deployment answers "not
 * found" within the cache period.
 */
export async function registeredCatalog(
  deployment: DeploymentRef,
  source: CatalogSource,
): Promise<PreparedCatalog | null> {
  const catalog = await source.catalogs.get(storageKeys.catalog(deployment));
  if (catalog && source.registered.has(catalog)) return catalog;
  const app = await source.apps.get(storageKeys.app(deployment.app));
  if (!app || deploymentProblem(app, deployment.platform, deployment.channel)) return null;
  if (!catalog) return prepareCatalog(emptyCatalog(deployment));
  source.registered.add(catalog);
  return catalog;
}
