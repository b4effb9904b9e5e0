export * from './errors';
export * from './storage';
export * from './signing/ossV1Signature';
export * from './fc';
export * from './logging';
export * from './http';
export * from './config';
