export { createEnvReader, type Env, type EnvReader } from './createEnvReader';
export { createCredentialsSource, type CredentialsSource } from './createCredentialsSource';
export { loadStorageConfig, createStoreFromConfig, STORAGE_KINDS, DOWNLOAD_MODES, OSS_CLIENTS, type StorageConfig } from './loadStorageConfig';
export { readCatalogTtlSeconds, readUploadPrefix, DEFAULT_CATALOG_TTL_SECONDS } from './functionSettings';
