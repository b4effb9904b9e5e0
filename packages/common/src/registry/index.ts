export { createAppRegistry, newDeploymentKey, type AppRegistry } from './createAppRegistry';
