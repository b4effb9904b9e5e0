import type { Command } from 'commander';
import type { Env } from '@hotpatch/common';
import { createApiClient, type ApiClient } from './createApiClient';
import { loadCliConfig, type CliConfig, type ConnectionOptions } from './loadCliConfig';
import { createOutput, type CliIo, type Output } from './Output';

/** What every command gets: configuration, the API client and output, resolved from global options. */
export interface CommandContext {
  config: CliConfig;
  api: ApiClient;
  output: Output;
}

export interface CliEnvironment extends CliIo {
  env: Env;
  fetch?: typeof fetch;
}

export function contextFor(command: Command, environment: CliEnvironment): CommandContext {
  const options = command.optsWithGlobals<ConnectionOptions & { json?: boolean }>();
  const config = loadCliConfig(options, environment.env);
  return {
    config,
    api: createApiClient(config, environment.fetch),
    output: createOutput(environment, options.json === true),
  };
}
