import {
  applyLogEntries,
  emptyCatalog,
  parseCatalog,
  parseLogEntry,
  seqOfLogKey,
  storageKeys,
  type Catalog,
  type DeploymentRef,
  type LogEntry,
} from '@hotpatch/core';
import { StorageError } from '../errors';
import { listAllKeys } from '../storage/listAllKeys';
import type { ObjectStore } from '../storage/ObjectStore';
import { readJson } from '../storage/readJson';

/** Log entries after `head`, in order, read in parallel. */
export async function readLogEntriesAfter(
  store: ObjectStore,
  deployment: DeploymentRef,
  head: number,
): Promise<LogEntry[]> {
  const listed = await listAllKeys(store, {
    prefix: storageKeys.logPrefix(deployment),
    ...(head > 0 ? { startAfter: storageKeys.logEntry(deployment, head) } : {}),
  });
  const keys = listed.filter((key) => (seqOfLogKey(key) ?? 0) > head);
  const entries = await Promise.all(
    keys.map(async (key) => {
      const entry = await readJson(store, key, parseLogEntry);
      if (!entry) throw new StorageError(`log entry ${key} vanished while reading the log`, key);
      if (entry.seq !== seqOfLogKey(key))
        throw new StorageError(`log entry ${key} claims sequence number ${entry.seq}`, key);
      return entry;
    }),
  );
  return entries;
}

/**
 * The full, current state of a deployment: its compiled catalog (possibly behind) brought up to the log's
 * head. Writers decide against this; readers only ever read the catalog.
 */
export async function loadDeploymentState(store: ObjectStore, deployment: DeploymentRef): Promise<Catalog> {
  const stored = (await readJson(store, storageKeys.catalog(deployment), parseCatalog)) ?? emptyCatalog(deployment);
  return applyLogEntries(stored, await readLogEntriesAfter(store, deployment, stored.head));
}
