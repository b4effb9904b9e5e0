import type { AppRegistry, Logger, ObjectStore, OssObjectEvent } from '@hotpatch/common';
import type { UploadOutcome } from '@hotpatch/core';
import type { UploadConfig } from './loadUploadConfig';
import { processUpload } from './processUpload';

export interface UploadHandlerDependencies {
  store: ObjectStore;
  registry: AppRegistry;
  config: UploadConfig;
  now?: () => Date;
}

/** The per-object handler of uploadBundle, bound to its dependencies. */
export function createUploadHandler(dependencies: UploadHandlerDependencies) {
  return (event: OssObjectEvent, context: { logger: Logger }): Promise<UploadOutcome | undefined> =>
    processUpload(event, { ...dependencies, logger: context.logger, now: dependencies.now ?? (() => new Date()) });
}
