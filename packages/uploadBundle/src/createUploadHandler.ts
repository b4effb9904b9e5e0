import { createAppRegistry, type Logger, type ObjectStore, type OssObjectEvent } from '@hotpatch/common';
import type { UploadOutcome } from '@hotpatch/core';
import type { UploadConfig } from './loadUploadConfig';
import { processUpload } from './processUpload';

export interface UploadHandlerDependencies {
  store: ObjectStore;
  config: UploadConfig;
  now?: () => Date;
}

/**
 * The per-object handler of uploadBundle, bound to its dependencies. Like the other functions' handlers it
 * takes `{ store, config, now? }` and builds its app registry from the store.
 */
export function createUploadHandler(dependencies: UploadHandlerDependencies) {
  const { store, config } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const registry = createAppRegistry(store, now);
  return (event: OssObjectEvent, context: { logger: Logger }): Promise<UploadOutcome | undefined> =>
    processUpload(event, { store, registry, config, logger: context.logger, now });
}
