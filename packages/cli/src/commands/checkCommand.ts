import type { Command } from 'commander';
import type { CheckResponse, ExplainResponse, TraceOutcome } from '@hotpatch/core';
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
    .option('--explain', 'also say why: each release considered, and what ruled it out (a signed management call)')
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
          explain?: boolean;
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
        const explained = options.explain
          ? await api.signed<ExplainResponse>(
              'GET',
              `/v1/apps/${encodeURIComponent(options.app)}/${encodeURIComponent(options.platform)}/${encodeURIComponent(options.channel)}/explain`,
              {
                query: Object.fromEntries(
                  Object.entries(query).filter(([name]) => !['app', 'platform', 'channel'].includes(name)),
                ),
              },
            )
          : undefined;
        output.result(explained ? { ...answer, explain: explained } : answer, () => {
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
          if (explained) printTrace(explained, (line) => output.line(line));
        });
      },
    );
}

/** What each trace outcome means, in the words `--explain` prints. */
const REASONS: Record<TraceOutcome, string> = {
  chosen: 'chosen',
  disabled: 'disabled',
  rolloutCohort: 'outside its rollout cohort',
  binaryRange: 'binary version outside its range',
  alreadyCurrent: 'already what the app runs',
  superseded: 'eligible, but not the answer (a newer one wins, or the app runs a newer one)',
  notOffered: 'not offered here (an Expo update)',
};

function printTrace(explained: ExplainResponse, line: (text: string) => void): void {
  line(`why (${explained.decision.kind}${explained.decision.label ? ` ${explained.decision.label}` : ''}):`);
  if (explained.trace.releases.length === 0) line('  the channel has no releases');
  for (const release of explained.trace.releases)
    line(
      `  ${release.label.padEnd(6)} ${release.targetBinaryRange.padEnd(14)} rollout ${String(release.rollout).padStart(3)}%  ${REASONS[release.outcome]}${release.label === explained.trace.current ? ' (the app runs this)' : ''}`,
    );
}
