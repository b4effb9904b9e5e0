export * from './errors';
export * from './storage';
export * from './signing/ossV1Signature';
export * from './fc/ossTriggerEvent';
export * from './logging';
