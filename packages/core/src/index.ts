export * from './names';
export { sha256Hex } from './sha256Hex';
export * from './packageHash';
export * from './storageKeys';
export * from './uploadKey';
export * from './releaseMetadata';
export * from './codePushSignature';
export * from './appRecord';
export * from './releaseLog';
