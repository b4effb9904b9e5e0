export { describeObjectStoreContract } from './objectStoreContract';
export { apiGatewayEvent, fcHttpTriggerEvent, fcContext } from './fcEvents';
export { startFc2HttpTrigger, type Fc2HttpTrigger } from './fc2HttpTrigger';
export { readDeploymentKeyIndex } from './readDeploymentKeyIndex';
