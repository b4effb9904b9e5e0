export { createLocalStack, type LocalStack, type LocalStackOptions } from './createLocalStack';
export {
  loadLocalStackSettings,
  DEV_CREDENTIALS,
  DEV_APP_KEY,
  type LocalStackSettings,
} from './loadLocalStackSettings';
export { createOssServer, type OssServer, type OssServerOptions, type OssBucketConfig } from './oss/createOssServer';
export {
  createOssTriggerDispatcher,
  type OssTriggerDispatcher,
  type OssTriggerRegistration,
} from './triggers/createOssTriggerDispatcher';
export { createApiGateway, type ApiGateway, type GatewayFunction } from './gateway/createApiGateway';
export type { FaultInjector, FaultMatch } from './oss/createFaultInjector';
