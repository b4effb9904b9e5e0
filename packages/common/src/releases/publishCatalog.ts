import { applyLogEntries, storageKeys, type Catalog, type DeploymentRef } from '@hotpatch/core';
import { StorageError } from '../errors';
import type { ObjectStore } from '../storage/ObjectStore';
import { writeJson } from '../storage/readJson';
import { readLogEntriesAfter } from './loadDeploymentState';

/** A bound on the convergence loop; each round needs a new log entry from another writer to continue. */
const MAX_ROUNDS = 100;

/**
 * Writes the catalog, then re-lists the log: if a newer entry appeared (another writer appended while we
 * compiled, and may have written an older catalog over ours), recompiles and writes again. Every writer ends
 * with this check, so the catalog converges to the whole log (docs/architecture.md, "One compiled catalog per deployment").
 */
export async function publishCatalog(
  store: ObjectStore,
  deployment: DeploymentRef,
  catalog: Catalog,
): Promise<Catalog> {
  let current = catalog;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    await writeJson(store, storageKeys.catalog(deployment), current);
    const newer = await readLogEntriesAfter(store, deployment, current.head);
    if (newer.length === 0) return current;
    current = applyLogEntries(current, newer);
  }
  throw new StorageError(
    `catalog of ${deployment.app}/${deployment.platform}/${deployment.channel} did not converge in ${MAX_ROUNDS} rounds`,
  );
}
