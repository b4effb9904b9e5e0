import type { Command } from 'commander';
import type {
  AddChannelBody,
  HaltPolicyBody,
  AppListResponse,
  AppRecord,
  AppResponse,
  CreateAppBody,
  RotateKeysBody,
} from '@hotpatch/core';
import { CliError } from '../CliError';
import { contextFor, type CliEnvironment } from '../CommandContext';
import type { Output } from '../Output';
import { parseFailureRate, parseList, parsePositiveInteger } from '../parseOptions';

function printApp(output: Output, app: AppRecord): void {
  output.line(`${app.name} (${app.platforms.join(', ')})`);
  for (const [channel, { deploymentKeys, haltPolicy }] of Object.entries(app.channels)) {
    for (const [platform, key] of Object.entries(deploymentKeys))
      output.line(`  ${channel.padEnd(12)} ${platform.padEnd(8)} deployment key ${key}`);
    if (haltPolicy)
      output.line(
        `  ${channel.padEnd(12)} auto-halt at ${haltPolicy.failureRatePercent}% failures after ${haltPolicy.minInstalls} installs${haltPolicy.unverifiedSignals ? ', counting unverified Expo signals' : ''}`,
      );
  }
}

/** `hotpatch app add|ls|show`, `hotpatch channel add|rm`, `hotpatch key rotate`. */
export function registerAppCommands(program: Command, environment: CliEnvironment): void {
  const app = program.command('app').description('register and inspect apps');

  app
    .command('add <app>')
    .description('register an app with the channels staging and production and a deployment key for each')
    .requiredOption('--platforms <list>', 'comma-separated platforms: ios, android', parseList)
    .addHelpText('after', '\nExample:\n  $ hotpatch app add shop --platforms ios,android')
    .action(async (name: string, options: { platforms: string[] }, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const { app: created } = await api.signed<AppResponse>('POST', '/v1/apps', {
        body: { name, platforms: options.platforms } satisfies CreateAppBody,
      });
      output.result({ app: created }, () => printApp(output, created));
    });

  app
    .command('ls')
    .description('list apps')
    .addHelpText('after', '\nExample:\n  $ hotpatch app ls --json')
    .action(async (_options: unknown, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const listed = await api.signed<AppListResponse>('GET', '/v1/apps');
      output.result(listed, () => {
        if (listed.apps.length === 0) output.line('no apps yet: hotpatch app add <app> --platforms ios,android');
        for (const each of listed.apps)
          output.line(
            `${each.name.padEnd(24)} ${each.platforms.join(',').padEnd(12)} channels: ${each.channels.join(', ')}`,
          );
      });
    });

  app
    .command('show <app>')
    .description("show an app's channels and deployment keys")
    .addHelpText('after', '\nExample:\n  $ hotpatch app show shop')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const shown = await api.signed<AppResponse>('GET', `/v1/apps/${encodeURIComponent(name)}`);
      output.result(shown, () => printApp(output, shown.app));
    });

  const channel = program.command('channel').description("manage an app's channels");
  channel
    .command('add <app> <channel>')
    .description('add a channel (with a deployment key per platform)')
    .addHelpText('after', '\nExample:\n  $ hotpatch channel add shop beta')
    .action(async (name: string, channelName: string, _options: unknown, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const updated = await api.signed<AppResponse>('POST', `/v1/apps/${encodeURIComponent(name)}/channels`, {
        body: { name: channelName } satisfies AddChannelBody,
      });
      output.result(updated, () => printApp(output, updated.app));
    });
  channel
    .command('rm <app> <channel>')
    .description('remove a channel; its deployment keys stop working')
    .addHelpText('after', '\nExample:\n  $ hotpatch channel rm shop beta')
    .action(async (name: string, channelName: string, _options: unknown, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const updated = await api.signed<AppResponse>(
        'DELETE',
        `/v1/apps/${encodeURIComponent(name)}/channels/${encodeURIComponent(channelName)}`,
      );
      output.result(updated, () => printApp(output, updated.app));
    });

  channel
    .command('set <app> <channel>')
    .description("set a channel's auto-halt policy: disable a release whose failure rate reaches a threshold")
    .option(
      '--halt-failure-rate <percent>',
      'halt at this failure rate, in percent (above 0, at most 100)',
      parseFailureRate,
    )
    .option('--halt-min-installs <n>', 'only once a release has this many install attempts', parsePositiveInteger)
    .option(
      '--halt-on-unverified-signals',
      "also count launch signals of the Expo manifest route; they are unauthenticated: anyone can forge them to halt a good release or hide a bad one's failures",
    )
    .option('--no-halt', 'clear the policy: never halt automatically')
    .addHelpText(
      'after',
      '\nExample:\n  $ hotpatch channel set shop production --halt-failure-rate 10 --halt-min-installs 50\n  $ hotpatch channel set shop production --no-halt',
    )
    .action(
      async (
        name: string,
        channelName: string,
        options: { haltFailureRate?: number; haltMinInstalls?: number; haltOnUnverifiedSignals?: true; halt: boolean },
        command: Command,
      ) => {
        const { api, output } = contextFor(command, environment);
        const setting =
          options.haltFailureRate !== undefined ||
          options.haltMinInstalls !== undefined ||
          options.haltOnUnverifiedSignals === true;
        if (!options.halt && setting) throw new CliError('--no-halt clears the policy: give it alone', { exitCode: 2 });
        if (options.halt && !setting)
          throw new CliError('give --halt-failure-rate and --halt-min-installs, or --no-halt', { exitCode: 2 });
        if (setting && (options.haltFailureRate === undefined || options.haltMinInstalls === undefined))
          throw new CliError('--halt-failure-rate and --halt-min-installs go together', { exitCode: 2 });
        const body: HaltPolicyBody = {
          haltPolicy: setting
            ? {
                failureRatePercent: options.haltFailureRate!,
                minInstalls: options.haltMinInstalls!,
                ...(options.haltOnUnverifiedSignals ? { unverifiedSignals: true } : {}),
              }
            : null,
        };
        const updated = await api.signed<AppResponse>(
          'PUT',
          `/v1/apps/${encodeURIComponent(name)}/channels/${encodeURIComponent(channelName)}/halt-policy`,
          { body },
        );
        output.result(updated, () => printApp(output, updated.app));
      },
    );

  program
    .command('key')
    .description('manage deployment keys')
    .command('rotate <app> <channel>')
    .description("replace a channel's deployment keys; the old ones stop working")
    .option('--platform <platform>', 'only this platform')
    .addHelpText('after', '\nExample:\n  $ hotpatch key rotate shop production --platform ios')
    .action(async (name: string, channelName: string, options: { platform?: string }, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const updated = await api.signed<AppResponse>(
        'POST',
        `/v1/apps/${encodeURIComponent(name)}/channels/${encodeURIComponent(channelName)}/keys`,
        { body: (options.platform ? { platform: options.platform } : {}) satisfies RotateKeysBody },
      );
      output.result(updated, () => printApp(output, updated.app));
    });
}
