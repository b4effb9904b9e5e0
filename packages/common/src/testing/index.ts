export { describeObjectStoreContract } from './objectStoreContract';
export { apiGatewayEvent, fcHttpTriggerEvent, fcContext } from './fcEvents';
