export { runCli, CLI_VERSION, EXIT } from './runCli';
export { loadCliConfig, LOCAL_DEFAULTS, type CliConfig } from './loadCliConfig';
export { CliError } from './CliError';
