import { InvalidArgumentError, type Command } from 'commander';
import type { GcBody, GcResponse, ReleaseHealth, ReleaseHealthResponse, UnverifiedHealth } from '@hotpatch/core';
import { CliError } from '../CliError';
import { contextFor, type CliEnvironment } from '../CommandContext';
import type { Output } from '../Output';

/** Width of the failure-rate bar: 20 cells, 5 % each. */
const BAR_CELLS = 20;

/** `████░░░░…`: the failure rate (0–1) as a bar; blank before any install attempt. */
function failureBar(rate: number | null): string {
  if (rate === null) return ' '.repeat(BAR_CELLS);
  const filled = Math.min(BAR_CELLS, Math.round(rate * BAR_CELLS));
  return '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
}

const percent = (rate: number | null): string => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

function printHealth(output: Output, channel: string, answer: ReleaseHealthResponse): void {
  if (answer.releases.length === 0) output.line(`${channel} has no releases yet`);
  else
    output.line(
      `${'release'.padEnd(8)} ${'downloads'.padStart(9)} ${'installs'.padStart(8)} ${'failures'.padStart(8)} ${'active'.padStart(7)} ${'failed'.padStart(7)}  failure rate`,
    );
  for (const row of answer.releases) {
    output.line(healthRow(row));
    if (row.unverified) output.line(unverifiedRow(row.unverified));
  }
  const versions = Object.entries(answer.binaryVersions);
  if (versions.length > 0)
    output.line(`embedded bundle, active: ${versions.map(([version, active]) => `${version} ${active}`).join(', ')}`);
  output.line(
    answer.haltPolicy
      ? `auto-halt: at ${answer.haltPolicy.failureRatePercent}% failures after ${answer.haltPolicy.minInstalls} installs, ${answer.haltPolicy.unverifiedSignals ? 'counting' : 'not counting'} unverified signals`
      : 'auto-halt: off (hotpatch channel set <app> <channel> --halt-failure-rate <percent> --halt-min-installs <n>)',
  );
  const pending =
    answer.pendingReports > 0
      ? `; ${answer.pendingReports}${answer.pendingMore ? '+' : ''} reports wait for the next fold`
      : '';
  output.line(`${answer.foldedAt ? `folded ${answer.foldedAt}` : 'not folded yet'}${pending}`);
}

function healthRow(row: ReleaseHealth): string {
  const state = row.autoHalt
    ? `  halted by auto-halt ${row.autoHalt.at}: ${row.autoHalt.failureRatePercent}% of ${row.autoHalt.installed + row.autoHalt.failed}`
    : row.disabled
      ? '  disabled'
      : '';
  return `${row.label.padEnd(8)} ${String(row.downloaded).padStart(9)} ${String(row.installed).padStart(8)} ${String(row.failed).padStart(8)} ${String(row.active).padStart(7)} ${percent(row.failureRate).padStart(7)}  ${failureBar(row.failureRate)}${state}`;
}

/** The Expo route's counts under their release, marked: devices report them without a key (anyone can). */
function unverifiedRow(counts: UnverifiedHealth): string {
  return `${'  └ unverified'.padEnd(18)} ${String(counts.installed).padStart(8)} ${String(counts.failed).padStart(8)} ${String(counts.active).padStart(7)} ${percent(counts.failureRate).padStart(7)}  ${failureBar(counts.failureRate)}  device-reported (Expo), unauthenticated`;
}

/** `hotpatch health`, `hotpatch gc`. */
export function registerHealthCommands(program: Command, environment: CliEnvironment): void {
  program
    .command('health')
    .description('per release: downloads, installs, failures, active devices and failure rate, with a bar')
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--channel <channel>', 'the channel')
    .option('--label <label>', 'only this release')
    .addHelpText('after', '\nExample:\n  $ hotpatch health --app shop --platform ios --channel production')
    .action(async (options: { app: string; platform: string; channel: string; label?: string }, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const path = `/v1/apps/${encodeURIComponent(options.app)}/${encodeURIComponent(options.platform)}/${encodeURIComponent(options.channel)}/health`;
      const answer = await api.signed<ReleaseHealthResponse>('GET', path, {
        query: options.label ? { label: options.label } : {},
      });
      output.result(answer, () => printHealth(output, options.channel, answer));
    });

  program
    .command('gc')
    .description(
      'find (--yes: delete) stored content nothing references, old uploads and folded raw reports; dry run by default',
    )
    .option('--dry-run', 'only report what would be deleted (the default)')
    .option('--yes', 'delete')
    .option('--upload-max-age-days <days>', 'collect upload objects older than this (default 30)', (value: string) => {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a whole number of days from 1');
      return Number(value);
    })
    .addHelpText(
      'after',
      '\nExample:\n  $ hotpatch gc            # what would go\n  $ hotpatch gc --yes      # delete it',
    )
    .action(async (options: { dryRun?: boolean; yes?: boolean; uploadMaxAgeDays?: number }, command: Command) => {
      const { api, output } = contextFor(command, environment);
      if (options.yes && options.dryRun) throw new CliError('choose --dry-run or --yes, not both', { exitCode: 2 });
      const body: GcBody = {
        dryRun: !options.yes,
        ...(options.uploadMaxAgeDays ? { uploadMaxAgeDays: options.uploadMaxAgeDays } : {}),
      };
      const answer = await api.signed<GcResponse>('POST', '/v1/manage/gc', { body });
      output.result(answer, () => {
        const verb = answer.dryRun ? 'would free' : 'freed';
        for (const [prefix, counts] of Object.entries(answer.collected))
          output.line(
            `${prefix.padEnd(20)} ${String(counts.objects).padStart(8)} objects ${String(counts.bytes).padStart(14)} bytes`,
          );
        output.line(
          `${verb} ${answer.bytesFreed} bytes; kept ${answer.kept.referenced} referenced and ${answer.kept.young} too recent to judge`,
        );
        if (answer.dryRun && answer.bytesFreed > 0) output.line('run again with --yes to delete');
      });
    });
}
