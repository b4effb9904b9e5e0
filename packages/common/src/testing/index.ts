export { describeObjectStoreContract } from './objectStoreContract';
export { apiGatewayEvent, fcHttpTriggerEvent, fcContext } from './fcEvents';
export { startFc2HttpTrigger, type Fc2HttpTrigger } from './fc2HttpTrigger';
export { startStalledServer, type StalledServer } from './startStalledServer';
export { readDeploymentKeyIndex } from './readDeploymentKeyIndex';
