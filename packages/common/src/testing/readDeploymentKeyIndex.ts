import { parseDeploymentRef, storageKeys, type DeploymentRef } from '@hotpatch/core';
import type { ObjectStore } from '../storage/ObjectStore';
import { readJson } from '../storage/readJson';

/** Which deployment the deployment-key index says a key names, or null: what the CodePush routes will resolve. */
export function readDeploymentKeyIndex(store: ObjectStore, key: string): Promise<DeploymentRef | null> {
  return readJson(store, storageKeys.deploymentKey(key), parseDeploymentRef);
}
