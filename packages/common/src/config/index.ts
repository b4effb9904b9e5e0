export { createEnvReader, type Env, type EnvReader } from './createEnvReader';
export { createCredentialsSource, type CredentialsSource } from './createCredentialsSource';
export { loadStorageConfig, createStoreFromConfig, STORAGE_KINDS, DOWNLOAD_MODES, type StorageConfig } from './loadStorageConfig';
