import { createCredentialsSource, type CredentialsSource } from '../config/createCredentialsSource';
import type { Env } from '../config/createEnvReader';
import { createEnvReader } from '../config/createEnvReader';
import { createStoreFromConfig, loadStorageConfig, type StorageConfig } from '../config/loadStorageConfig';
import { createLogger, isLogLevel, type Logger } from '../logging';
import type { ObjectStore } from '../storage/ObjectStore';

/** What every function builds once per instance: its logger, credentials source, storage config and store. */
export interface FunctionRuntime {
  logger: Logger;
  credentials: CredentialsSource;
  /** Loaded on first use, so a configuration error surfaces in the first invocation's log and response. */
  storageConfig(): StorageConfig;
  store(): ObjectStore;
}

/** Log level from `HOTPATCH_LOG_LEVEL`, else FC's `ALIYUN_FC_LOG_LEVEL`, else info. */
function logLevel(env: Env) {
  const value = env.HOTPATCH_LOG_LEVEL ?? env.ALIYUN_FC_LOG_LEVEL;
  if (value === undefined || value === '') return 'info';
  if (!isLogLevel(value)) return createEnvReader({ HOTPATCH_LOG_LEVEL: value }).oneOf('HOTPATCH_LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info');
  return value;
}

export function createFunctionRuntime(functionName: string, env: Env): FunctionRuntime {
  const logger = createLogger({ service: functionName, level: logLevel(env) });
  const credentials = createCredentialsSource(env);
  let config: StorageConfig | undefined;
  let store: ObjectStore | undefined;
  const storageConfig = (): StorageConfig => (config ??= loadStorageConfig(env));
  return {
    logger,
    credentials,
    storageConfig,
    store: () => (store ??= createStoreFromConfig(storageConfig(), credentials)),
  };
}
