export * from './HotpatchError';
export * from './StorageError';
