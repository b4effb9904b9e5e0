import { defineOssFunction, type Env, type FunctionOptions } from '@hotpatch/common';
import { DEFAULT_UPLOAD_PREFIX } from '@hotpatch/core';
import { createUploadHandler } from './createUploadHandler';
import { loadUploadConfig } from './loadUploadConfig';

export { createUploadHandler, type UploadHandlerDependencies } from './createUploadHandler';
export { loadUploadConfig, type UploadConfig, type UploadLimits } from './loadUploadConfig';
export { inspectZip, checkEntryName, type ZipContents, type ZipInspection } from './inspectZip';
export { processUpload, type UploadDependencies } from './processUpload';

export const FUNCTION_NAME = 'uploadBundle';

/**
 * The OSS trigger uploadBundle needs: every object created under the upload prefix. `prefix` is the default;
 * whoever creates the trigger uses `readUploadPrefix(env)` (common), the prefix uploadBundle itself accepts.
 */
export const ossTrigger = { events: ['oss:ObjectCreated:*'], prefix: DEFAULT_UPLOAD_PREFIX } as const;

/** The FC entry point built from an environment (FC's, or the one the local stack gives). */
export function createUploadBundleFunction(env: Env, options: FunctionOptions = {}) {
  return defineOssFunction(FUNCTION_NAME, env, options, ({ runtime, now }) =>
    createUploadHandler({ store: runtime.store(), config: loadUploadConfig(env), now }),
  );
}

/** FC handler `index.handler`. */
export const handler = createUploadBundleFunction(process.env);
