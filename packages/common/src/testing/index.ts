export { describeObjectStoreContract } from './objectStoreContract';
export { apiGatewayEvent, fcHttpTriggerEvent, fcContext } from './fcEvents';
export { startStalledServer, type StalledServer } from './startStalledServer';
