import { randomBytes } from 'node:crypto';
import {
  newAppRecord,
  parseAppRecord,
  storageKeys,
  withChannel,
  withoutChannel,
  withHaltPolicy,
  withRotatedKeys,
  type AppChangeResult,
  type HaltPolicy,
  type AppRecord,
} from '@hotpatch/core';
import { ConflictError, NotFoundError, ObjectExistsError, refusalError } from '../errors';
import { listAllKeys } from '../storage/listAllKeys';
import type { ObjectStore } from '../storage/ObjectStore';
import { readJson, writeJson } from '../storage/readJson';

/** The app registry in OSS: `apps/<name>.json`, plus the deployment-key index `deployment-keys/<key>.json`. */
export interface AppRegistry {
  get(name: string): Promise<AppRecord | null>;
  /** Creates an app with the default channels and fresh deployment keys; an existing name is a `ConflictError`. */
  create(input: { name: string; platforms: readonly string[] }): Promise<AppRecord>;
  /** Every app, by name. */
  list(): Promise<AppRecord[]>;
  addChannel(app: string, channel: string): Promise<AppRecord>;
  removeChannel(app: string, channel: string): Promise<AppRecord>;
  /** New deployment keys for a channel (one platform's, or all); the old ones stop resolving. */
  rotateKeys(app: string, channel: string, platform?: string): Promise<AppRecord>;
  /** Sets (null: clears) a channel's auto-halt policy. */
  setHaltPolicy(app: string, channel: string, policy: HaltPolicy | null): Promise<AppRecord>;
}

/** 32 random bytes, URL-safe: unguessable, as deployment keys grant read access to a deployment's releases. */
export function newDeploymentKey(): string {
  return randomBytes(24).toString('base64url');
}

export function createAppRegistry(store: ObjectStore, now: () => Date = () => new Date()): AppRegistry {
  const get = (name: string) => readJson(store, storageKeys.app(name), parseAppRecord);

  /**
   * Read, change, write. App records change rarely and only through signed management calls; OSS has no
   * compare-and-swap, so two simultaneous edits of one app are last-writer-wins (each edit is whole and valid).
   * New keys are indexed before the record names them; retired keys are removed after it stops naming them.
   */
  async function change(
    name: string,
    edit: (record: AppRecord) => AppChangeResult,
    beforeWrite?: (record: AppRecord) => Promise<void>,
  ): Promise<AppRecord> {
    const record = await get(name);
    if (!record) throw new NotFoundError(`unknown app ${JSON.stringify(name)}`);
    const result = edit(record);
    if (result.kind !== 'ok') throw refusalError(result);
    if (beforeWrite) await beforeWrite(record);
    for (const added of result.change.addedKeys) {
      await writeJson(
        store,
        storageKeys.deploymentKey(added.key),
        { app: name, platform: added.platform, channel: added.channel },
        { forbidOverwrite: true },
      );
    }
    await writeJson(store, storageKeys.app(name), result.change.record);
    for (const key of result.change.removedKeys) await store.delete(storageKeys.deploymentKey(key));
    return result.change.record;
  }

  return {
    get,

    async create(input) {
      const result = newAppRecord({ ...input, now: now().toISOString(), newDeploymentKey });
      if (result.kind !== 'ok') throw refusalError(result, 'app');
      const record = result.record;
      if (await store.head(storageKeys.app(record.name))) throw new ConflictError(`app ${record.name} already exists`);
      // The key index first, the app record last: nothing ever references a key that does not resolve.
      for (const [channel, { deploymentKeys }] of Object.entries(record.channels)) {
        for (const [platform, key] of Object.entries(deploymentKeys)) {
          await writeJson(
            store,
            storageKeys.deploymentKey(key),
            { app: record.name, platform, channel },
            { forbidOverwrite: true },
          );
        }
      }
      try {
        await writeJson(store, storageKeys.app(record.name), record, { forbidOverwrite: true });
      } catch (error) {
        if (error instanceof ObjectExistsError) throw new ConflictError(`app ${record.name} already exists`);
        throw error;
      }
      return record;
    },

    async list() {
      const records: AppRecord[] = [];
      for (const key of await listAllKeys(store, { prefix: storageKeys.appsPrefix() })) {
        const record = await readJson(store, key, parseAppRecord);
        if (record) records.push(record);
      }
      return records;
    },

    addChannel: (app, channel) =>
      change(app, (record) => withChannel(record, channel, now().toISOString(), newDeploymentKey)),
    // The check path reads a deployment's catalog by name, so a removed channel's catalogs go with it: every
    // reader's revalidation then finds none and answers 404 within its cache period. They go first, so a
    // failure leaves the channel registered and the removal can simply be repeated. (Logs and metrics stay:
    // they are history, read only through signed routes.)
    removeChannel: (app, channel) =>
      change(
        app,
        (record) => withoutChannel(record, channel),
        async (record) => {
          for (const platform of record.platforms) await store.delete(storageKeys.catalog({ app, platform, channel }));
        },
      ),
    rotateKeys: (app, channel, platform) =>
      change(app, (record) => withRotatedKeys(record, channel, platform, newDeploymentKey)),
    setHaltPolicy: (app, channel, policy) => change(app, (record) => withHaltPolicy(record, channel, policy)),
  };
}
