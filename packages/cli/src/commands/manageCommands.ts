import type { Command } from 'commander';
import {
  describeActor,
  type EmbeddedRollback,
  type EmbeddedRollbackBody,
  type EmbeddedRollbackResponse,
  type HistoryResponse,
  type MetricsResponse,
  type PatchBody,
  type PromoteBody,
  type Release,
  type ReleaseResponse,
  type RollbackBody,
} from '@hotpatch/core';
import { CliError } from '../CliError';
import { contextFor, type CliEnvironment } from '../CommandContext';
import type { Output } from '../Output';
import { parsePercentage, parsePositiveInteger } from '../parseOptions';
import { visibilityLine } from '../visibility';

interface DeploymentOptions {
  app: string;
  platform: string;
}

interface SettingOptions {
  description?: string;
  mandatory?: boolean;
  rollout?: number;
  disabled?: boolean;
  target?: string;
}

const deploymentPath = (options: DeploymentOptions, channel: string): string =>
  `/v1/apps/${encodeURIComponent(options.app)}/${encodeURIComponent(options.platform)}/${encodeURIComponent(channel)}`;

function settings(options: SettingOptions): PatchBody {
  const body: PatchBody = {};
  if (options.description !== undefined) body.description = options.description;
  if (options.mandatory !== undefined) body.mandatory = options.mandatory;
  if (options.rollout !== undefined) body.rollout = options.rollout;
  if (options.disabled !== undefined) body.disabled = options.disabled;
  if (options.target !== undefined) body.targetBinaryRange = options.target;
  return body;
}

function describeRelease(release: Release): string {
  const flags = [
    release.mandatory ? 'mandatory' : '',
    release.disabled ? 'disabled' : '',
    release.rollout < 100 ? `rollout ${release.rollout}%` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const target = release.expo ? `runtime version ${release.expo.runtimeVersion}` : release.targetBinaryRange;
  const content = release.expo ? `Expo update ${release.expo.id}` : `hash ${release.packageHash.slice(0, 12)}…`;
  return `${release.label} for ${target}${flags ? ` (${flags})` : ''}: ${content}`;
}

function describeEmbeddedRollback(rollback: EmbeddedRollback): string {
  const scope =
    rollback.runtimeVersion === undefined ? 'every runtime version' : `runtime version ${rollback.runtimeVersion}`;
  return `rollback to the embedded bundle for ${scope}`;
}

function printRelease(output: Output, verb: string, channel: string, answer: ReleaseResponse): void {
  output.line(`${verb} ${channel} ${describeRelease(answer.release)}`);
  const visibility = visibilityLine(answer.visibleWithinSeconds);
  if (visibility) output.line(`  ${visibility}`);
}

/** `hotpatch promote|patch|rollback|history|metrics`. */
export function registerManageCommands(program: Command, environment: CliEnvironment): void {
  program
    .command('promote')
    .description("release a channel's release (default: its latest) to another channel, as that channel's next release")
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--from <channel>', 'the channel to promote from')
    .requiredOption('--to <channel>', 'the channel to promote to')
    .option('--label <label>', 'the release to promote (default: the latest)')
    .option('--description <text>', 'override the release notes')
    .option('--mandatory', 'make it mandatory')
    .option('--no-mandatory', 'make it optional')
    .option('--rollout <percent>', 'share of installs that get it, 1-100', parsePercentage)
    .option('--target <range>', 'override the binary version range')
    .addHelpText(
      'after',
      '\nExample:\n  $ hotpatch promote --app shop --platform ios --from staging --to production --rollout 20',
    )
    .action(
      async (
        options: DeploymentOptions & SettingOptions & { from: string; to: string; label?: string },
        command: Command,
      ) => {
        const { api, output } = contextFor(command, environment);
        const body: PromoteBody = {
          to: options.to,
          ...settings(options),
          ...(options.label ? { label: options.label } : {}),
        };
        const answer = await api.signed<ReleaseResponse>('POST', `${deploymentPath(options, options.from)}/promote`, {
          body,
        });
        output.result(answer, () => printRelease(output, 'promoted to', options.to, answer));
      },
    );

  program
    .command('patch')
    .description("change a release's rollout (only upwards), mandatory, disabled, notes or target range")
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--channel <channel>', 'the channel')
    .requiredOption('--label <label>', 'the release, e.g. v3')
    .option('--rollout <percent>', 'new rollout, at least the current one', parsePercentage)
    .option('--mandatory', 'make it mandatory')
    .option('--no-mandatory', 'make it optional')
    .option('--disabled', 'disable it: apps stop getting it, and apps running it roll back')
    .option('--no-disabled', 'enable it again')
    .option('--description <text>', 'new release notes')
    .option('--target <range>', 'new binary version range')
    .addHelpText(
      'after',
      '\nExample:\n  $ hotpatch patch --app shop --platform ios --channel production --label v4 --rollout 100',
    )
    .action(
      async (options: DeploymentOptions & SettingOptions & { channel: string; label: string }, command: Command) => {
        const { api, output } = contextFor(command, environment);
        const body = settings(options);
        if (Object.keys(body).length === 0)
          throw new CliError('nothing to change: give --rollout, --mandatory, --disabled, --description or --target', {
            exitCode: 2,
          });
        const answer = await api.signed<ReleaseResponse>(
          'PATCH',
          `${deploymentPath(options, options.channel)}/releases/${encodeURIComponent(options.label)}`,
          { body },
        );
        output.result(answer, () => printRelease(output, 'patched', options.channel, answer));
      },
    );

  program
    .command('rollback')
    .description(
      'release an earlier release again (default: the one before the latest) as the next release; --embedded: Expo devices return to the bundle in their binary',
    )
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--channel <channel>', 'the channel')
    .option('--label <label>', 'the release to go back to')
    .option('--embedded', 'Expo: devices on the channel return to the JavaScript embedded in their binary')
    .option('--runtime-version <version>', 'with --embedded: only devices on this runtime version (default: all)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hotpatch rollback --app shop --platform android --channel production --label v2\n  $ hotpatch rollback --embedded --app shop --platform ios --channel production --runtime-version 1.0.0',
    )
    .action(
      async (
        options: DeploymentOptions & { channel: string; label?: string; embedded?: boolean; runtimeVersion?: string },
        command: Command,
      ) => {
        const { api, output } = contextFor(command, environment);
        if (options.embedded) {
          if (options.label !== undefined)
            throw new CliError("--label does not apply with --embedded (it returns to the binary's bundle)", {
              exitCode: 2,
            });
          const body: EmbeddedRollbackBody =
            options.runtimeVersion === undefined ? {} : { runtimeVersion: options.runtimeVersion };
          const answer = await api.signed<EmbeddedRollbackResponse>(
            'POST',
            `${deploymentPath(options, options.channel)}/rollback-to-embedded`,
            { body },
          );
          output.result(answer, () => {
            output.line(
              `${options.channel}: ${describeEmbeddedRollback(answer.embeddedRollback)} (${answer.embeddedRollback.at})`,
            );
            const visibility = visibilityLine(answer.visibleWithinSeconds);
            if (visibility) output.line(`  ${visibility}`);
          });
          return;
        }
        if (options.runtimeVersion !== undefined)
          throw new CliError('--runtime-version applies only with --embedded', { exitCode: 2 });
        const body: RollbackBody = options.label ? { label: options.label } : {};
        const answer = await api.signed<ReleaseResponse>(
          'POST',
          `${deploymentPath(options, options.channel)}/rollback`,
          {
            body,
          },
        );
        output.result(answer, () => printRelease(output, 'rolled back', options.channel, answer));
      },
    );

  program
    .command('history')
    .description(
      "a channel's releases, newest first, with who made and last patched each (key, or uploader and address)",
    )
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--channel <channel>', 'the channel')
    .option('--limit <n>', 'releases per page (1-100)', parsePositiveInteger, 20)
    .option('--cursor <n>', 'continue from a previous page', parsePositiveInteger)
    .addHelpText('after', '\nExample:\n  $ hotpatch history --app shop --platform ios --channel production --limit 5')
    .action(
      async (options: DeploymentOptions & { channel: string; limit: number; cursor?: number }, command: Command) => {
        const { api, output } = contextFor(command, environment);
        const query: Record<string, string> = { limit: String(options.limit) };
        if (options.cursor !== undefined) query.cursor = String(options.cursor);
        const page = await api.signed<HistoryResponse>('GET', `${deploymentPath(options, options.channel)}/history`, {
          query,
        });
        output.result(page, () => {
          if (page.releases.length === 0 && !page.embeddedRollbacks)
            output.line(`${options.channel} has no releases yet`);
          // Embedded rollbacks (Expo) in log order among the releases, newest first.
          const rollbacks = [...(page.embeddedRollbacks ?? [])];
          const printRollbacksAbove = (seq: number): void => {
            while (rollbacks.length > 0 && rollbacks[0]!.seq > seq) {
              const rollback = rollbacks.shift()!;
              output.line(
                `${describeEmbeddedRollback(rollback)}  ${rollback.at} by ${describeActor(undefined, rollback.by)}`,
              );
            }
          };
          for (const release of page.releases) {
            printRollbacksAbove(release.seq);
            const origin = release.origin
              ? ` (${release.origin.kind} of ${release.origin.channel} ${release.origin.label})`
              : '';
            const patched = release.lastPatch
              ? `; patched ${release.lastPatch.at} by ${describeActor(release.lastPatch.actor, release.lastPatch.by)}`
              : '';
            // Why auto-halt disabled it, kept even after a person re-enables it.
            const halted = release.autoHalt
              ? `; halted ${release.autoHalt.at} by auto-halt: ${release.autoHalt.failureRatePercent}% failures of ${release.autoHalt.installed + release.autoHalt.failed} install attempts (policy ${release.autoHalt.policy.failureRatePercent}% after ${release.autoHalt.policy.minInstalls})`
              : '';
            output.line(
              `${describeRelease(release)}  ${release.createdAt} by ${describeActor(release.actor, release.createdBy)}${origin}${patched}${halted}${release.description ? `  "${release.description}"` : ''}`,
            );
          }
          printRollbacksAbove(0);
          if (page.nextCursor) output.line(`more: --cursor ${page.nextCursor}`);
        });
      },
    );

  program
    .command('metrics')
    .description('per release: active, downloaded, installed and failed installs, from CodePush status reports')
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--channel <channel>', 'the channel')
    .addHelpText('after', '\nExample:\n  $ hotpatch metrics --app shop --platform android --channel production')
    .action(async (options: DeploymentOptions & { channel: string }, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const answer = await api.signed<MetricsResponse>('GET', `${deploymentPath(options, options.channel)}/metrics`);
      output.result(answer, () => {
        const entries = Object.entries(answer.metrics);
        if (entries.length === 0) output.line('no status reports yet');
        output.line(
          `${'release'.padEnd(12)} ${'active'.padStart(8)} ${'downloaded'.padStart(11)} ${'installed'.padStart(10)} ${'failed'.padStart(7)}`,
        );
        for (const [subject, counts] of entries) {
          output.line(
            `${subject.padEnd(12)} ${String(counts.active).padStart(8)} ${String(counts.downloaded ?? '').padStart(11)} ${String(counts.installed ?? '').padStart(10)} ${String(counts.failed ?? '').padStart(7)}`,
          );
        }
      });
    });
}
