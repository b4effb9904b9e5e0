export * from './HotpatchError';
export * from './StorageError';
export * from './refusalError';
