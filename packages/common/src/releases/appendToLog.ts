import { applyLogEntries, storageKeys, type Catalog, type DeploymentRef, type LogEntry } from '@hotpatch/core';
import { ObjectExistsError, StorageError } from '../errors';
import type { ObjectStore } from '../storage/ObjectStore';
import { writeJson } from '../storage/readJson';
import { loadDeploymentState } from './loadDeploymentState';
import { publishCatalog } from './publishCatalog';

/** What a writer decides from the current state: an entry to append, or an answer without appending. */
export type AppendDecision<Outcome> = { append: LogEntry; outcome: (catalog: Catalog) => Outcome } | { skip: Outcome };

/** Enough for hundreds of concurrent writers on one deployment; each lost race costs one re-read. */
const MAX_ATTEMPTS = 200;

/**
 * Appends one entry to a deployment's log and publishes the catalog. OSS has no compare-and-swap, so the
 * sequence number is claimed by writing `log/<seq>` with forbid-overwrite: a writer that loses the race gets
 * `ObjectExistsError`, re-reads the state and decides again (with the next number). No entry is ever lost.
 */
export async function appendToLog<Outcome>(
  store: ObjectStore,
  deployment: DeploymentRef,
  decide: (state: Catalog) => AppendDecision<Outcome>,
): Promise<Outcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const state = await loadDeploymentState(store, deployment);
    const decision = decide(state);
    if ('skip' in decision) {
      // A decision made on a state newer than the stored catalog still publishes it, so a writer that crashed
      // between its append and its catalog write is healed by the next one.
      await publishCatalog(store, deployment, state);
      return decision.skip;
    }
    if (decision.append.seq !== state.head + 1)
      throw new StorageError(`log entry must take sequence number ${state.head + 1}, not ${decision.append.seq}`);
    try {
      await writeJson(store, storageKeys.logEntry(deployment, decision.append.seq), decision.append, {
        forbidOverwrite: true,
      });
    } catch (error) {
      if (error instanceof ObjectExistsError) continue;
      throw error;
    }
    const published = await publishCatalog(store, deployment, applyLogEntries(state, [decision.append]));
    return decision.outcome(published);
  }
  throw new StorageError(
    `could not append to the log of ${deployment.app}/${deployment.platform}/${deployment.channel} after ${MAX_ATTEMPTS} attempts`,
  );
}
