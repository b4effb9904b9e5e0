import type { Command } from 'commander';
import type { CheckResponse } from '@hotpatch/core';
import { contextFor, type CliEnvironment } from '../CommandContext';

/** `hotpatch check`: asks getLatestBundle exactly as a device would. */
export function registerCheckCommand(program: Command, environment: CliEnvironment): void {
  program
    .command('check')
    .description('ask for an update exactly as an app would, and print the answer')
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--channel <channel>', 'the channel')
    .requiredOption('--app-version <version>', "the binary's version, e.g. 1.4.0")
    .option('--bundle-hash <hash>', 'hash of the release the app runs (none: the embedded bundle)')
    .option('--client-id <id>', 'the install id, for rollouts')
    .addHelpText(
      'after',
      '\nExample:\n  $ hotpatch check --app shop --platform ios --channel production --app-version 1.4.0 --client-id device-42',
    )
    .action(
      async (
        options: {
          app: string;
          platform: string;
          channel: string;
          appVersion: string;
          bundleHash?: string;
          clientId?: string;
        },
        command: Command,
      ) => {
        const { api, output } = contextFor(command, environment);
        const query: Record<string, string> = {
          app: options.app,
          platform: options.platform,
          channel: options.channel,
          appVersion: options.appVersion,
        };
        if (options.bundleHash) query.bundleHash = options.bundleHash;
        if (options.clientId) query.clientId = options.clientId;
        const answer = await api.get<CheckResponse>('/v1/check', query);
        output.result(answer, () => {
          if (answer.status === 'update') {
            const { release } = answer;
            output.line(
              `update ${release.label}${release.mandatory ? ' (mandatory)' : ''}: ${release.size} bytes, hash ${release.hash}\n  ${release.url}`,
            );
          } else if (answer.status === 'rollback') {
            const { release } = answer;
            output.line(
              release
                ? `rollback to ${release.label}: hash ${release.hash}`
                : 'rollback to the bundle embedded in the binary',
            );
          } else
            output.line(
              answer.binaryUpdateNeeded
                ? `up to date; the newest release needs a binary matching ${answer.binaryUpdateNeeded.targetBinaryRange}`
                : 'up to date',
            );
        });
      },
    );
}
