import { randomBytes } from 'node:crypto';
import { newAppRecord, parseAppRecord, storageKeys, type AppRecord, type DeploymentRef, type Platform } from '@hotpatch/core';
import { BadRequestError, ConflictError, ObjectExistsError } from '../errors';
import type { ObjectStore } from '../storage/ObjectStore';
import { readJson, writeJson } from '../storage/readJson';

/** The app registry in OSS: `apps/<name>.json`, plus the deployment-key index `deployment-keys/<key>.json`. */
export interface AppRegistry {
  get(name: string): Promise<AppRecord | null>;
  /** Creates an app with the default channels and fresh deployment keys; an existing name is a `ConflictError`. */
  create(input: { name: string; platforms: readonly string[] }): Promise<AppRecord>;
  /** Which deployment a CodePush deployment key names, or null. */
  resolveDeploymentKey(key: string): Promise<DeploymentRef | null>;
}

/** 32 random bytes, URL-safe: unguessable, as deployment keys grant read access to a deployment's releases. */
export function newDeploymentKey(): string {
  return randomBytes(24).toString('base64url');
}

function parseDeploymentRef(json: unknown): DeploymentRef {
  const ref = json as DeploymentRef;
  if (typeof ref?.app !== 'string' || typeof ref.platform !== 'string' || typeof ref.channel !== 'string') throw new Error('not a deployment reference');
  return { app: ref.app, platform: ref.platform as Platform, channel: ref.channel };
}

export function createAppRegistry(store: ObjectStore, now: () => Date = () => new Date()): AppRegistry {
  return {
    get: (name) => readJson(store, storageKeys.app(name), parseAppRecord),

    async create(input) {
      const result = newAppRecord({ ...input, now: now().toISOString(), newDeploymentKey });
      if (!result.ok) throw new BadRequestError(result.reasons.join('; '), 'app');
      const record = result.record;
      if (await store.head(storageKeys.app(record.name))) throw new ConflictError(`app ${record.name} already exists`);
      // The key index first, the app record last: nothing ever references a key that does not resolve.
      for (const [channel, { deploymentKeys }] of Object.entries(record.channels)) {
        for (const [platform, key] of Object.entries(deploymentKeys)) {
          await writeJson(store, storageKeys.deploymentKey(key), { app: record.name, platform, channel }, { forbidOverwrite: true });
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

    resolveDeploymentKey: (key) => (/^[A-Za-z0-9_-]{16,128}$/.test(key) ? readJson(store, storageKeys.deploymentKey(key), parseDeploymentRef) : Promise.resolve(null)),
  };
}
