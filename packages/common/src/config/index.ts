export { createEnvReader, type Env, type EnvReader } from './createEnvReader';
export { createCredentialsSource, credentialsFromContext, type CredentialsSource } from './createCredentialsSource';
export {
  loadStorageConfig,
  createStoreFromConfig,
  describeSignedUrlCap,
  isInternalOssHost,
  publicOssEndpoint,
  STORAGE_KINDS,
  DOWNLOAD_MODES,
  OSS_CLIENTS,
  type StorageConfig,
} from './loadStorageConfig';
export {
  parseManagementKeys,
  AUTH_MODES,
  MANAGEMENT_KEYS_VARIABLE,
  MANAGEMENT_KEY_ID,
  MIN_APP_SECRET_LENGTH,
  type ManagementKey,
} from './parseManagementKeys';
export {
  readCatalogTtlSeconds,
  readUploadPrefix,
  readTimerSeconds,
  DEFAULT_CATALOG_TTL_SECONDS,
  DEFAULT_TIMER_SECONDS,
} from './functionSettings';
