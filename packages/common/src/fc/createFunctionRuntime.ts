import { createCredentialsSource, type CredentialsSource } from '../config/createCredentialsSource';
import type { Env } from '../config/createEnvReader';
import { createEnvReader } from '../config/createEnvReader';
import {
  createStoreFromConfig,
  describeSignedUrlCap,
  loadStorageConfig,
  type StorageConfig,
} from '../config/loadStorageConfig';
import { STS_SIGNED_URL_MAX_SECONDS } from '../storage/createDownloadUrlBuilder';
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
  const name = env.HOTPATCH_LOG_LEVEL !== undefined ? 'HOTPATCH_LOG_LEVEL' : 'ALIYUN_FC_LOG_LEVEL';
  const value = env[name];
  if (value === undefined || value === '') return 'info';
  // The refusal names the variable the value came from.
  if (!isLogLevel(value))
    return createEnvReader({ [name]: value }).oneOf(name, ['debug', 'info', 'warn', 'error'], 'info');
  return value;
}

/**
 * The runtime of one function instance. `options.writeLog` replaces stdout (tests read what an operator would
 * see in the function log).
 */
export function createFunctionRuntime(
  functionName: string,
  env: Env,
  options: { writeLog?: (line: string) => void } = {},
): FunctionRuntime {
  const logger = createLogger({
    service: functionName,
    level: logLevel(env),
    ...(options.writeLog ? { write: options.writeLog } : {}),
  });
  const credentials = createCredentialsSource(env);
  let config: StorageConfig | undefined;
  let store: ObjectStore | undefined;
  const storageConfig = (): StorageConfig => (config ??= loadStorageConfig(env));
  return {
    logger,
    credentials,
    storageConfig,
    store: () => {
      if (store) return store;
      const loaded = storageConfig();
      const cap = describeSignedUrlCap(loaded);
      if (cap) logger.warn(cap, { download_url_max_seconds: STS_SIGNED_URL_MAX_SECONDS });
      return (store = createStoreFromConfig(loaded, credentials));
    },
  };
}
