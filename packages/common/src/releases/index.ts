export { appendToLog, type AppendDecision } from './appendToLog';
export { loadDeploymentState, readLogEntriesAfter } from './loadDeploymentState';
export { publishCatalog } from './publishCatalog';
