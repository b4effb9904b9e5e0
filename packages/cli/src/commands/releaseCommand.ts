import type { Command } from 'commander';
import {
  parseReleaseRequest,
  RELEASE_FIELDS,
  RELEASE_SETTINGS_FILE,
  type ReleaseRequest,
  type UploadStatusResponse,
} from '@hotpatch/core';
import { CliError } from '../CliError';
import { contextFor, type CliEnvironment } from '../CommandContext';
import { packageRelease } from '../packageRelease';
import { parsePercentage, parsePositiveInteger } from '../parseOptions';
import { uploadRelease } from '../uploadRelease';
import { visibilityLine } from '../visibility';

interface ReleaseOptions {
  app: string;
  platform: string;
  target?: string;
  channel?: string;
  description?: string;
  mandatory?: boolean;
  rollout?: number;
  disabled?: boolean;
  bundleName?: string;
  privateKey?: string;
  wait: boolean;
  timeout: number;
}

/**
 * The release's settings: flags over the released folder's `hotpatch.json`, field by field, validated by the
 * same rules uploadBundle applies (so a mistake is reported before anything is uploaded).
 */
function releaseRequestFrom(
  options: ReleaseOptions,
  settings: Record<string, unknown> | undefined,
  target: string,
): ReleaseRequest {
  if (options.target === undefined && settings?.[RELEASE_FIELDS.targetBinaryRange.json] === undefined) {
    throw new CliError(
      `--target is required (or targetBinaryRange in the released folder's ${RELEASE_SETTINGS_FILE})`,
      { exitCode: 2 },
    );
  }
  const flags: Record<string, string> = {};
  const set = (field: keyof typeof RELEASE_FIELDS, value: string | number | boolean | undefined): void => {
    if (value !== undefined) flags[RELEASE_FIELDS[field].meta] = String(value);
  };
  set('targetBinaryRange', options.target);
  set('channel', options.channel);
  set('description', options.description);
  set('mandatory', options.mandatory);
  set('rollout', options.rollout);
  set('disabled', options.disabled);
  set('bundleName', options.bundleName);
  const parsed = parseReleaseRequest(flags, settings);
  if (parsed.kind !== 'ok') {
    const hint = settings ? ` (flags, then ${target}/${RELEASE_SETTINGS_FILE})` : '';
    throw new CliError(`invalid release settings${hint}`, {
      details: parsed.reasons.map((reason) => reason.replace(/^x-oss-meta-/, '--')),
    });
  }
  return parsed.request;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `hotpatch release <path>`: upload, then wait for uploadBundle's outcome. */
export function registerReleaseCommand(program: Command, environment: CliEnvironment): void {
  program
    .command('release <path>')
    .description('release a folder (zipped), a zip or a single JS bundle: upload it and wait for the outcome')
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .option(
      '--target <range>',
      'semver range of binary versions this release is for, e.g. "^1.4.0" (required here or as targetBinaryRange in the folder\'s hotpatch.json)',
    )
    .option('--channel <channel>', 'channel to release to (default: staging)')
    .option('--description <text>', 'release notes')
    .option('--mandatory', 'apps must install it')
    .option('--rollout <percent>', 'share of installs that get it, 1-100', parsePercentage)
    .option('--disabled', 'release it invisible (enable later with hotpatch patch)')
    .option(
      '--bundle-name <file>',
      'the JS bundle file in the release (default: main.jsbundle on ios, index.android.bundle on android)',
    )
    .option(
      '--private-key <pem>',
      'sign the release for CodePush clients (RS256 .codepushrelease; the folder must be named CodePush)',
    )
    .option(
      '--upload-prefix <prefix>',
      "where releases are uploaded: uploadBundle's OSS trigger prefix (env HOTPATCH_UPLOAD_PREFIX; default uploads/)",
    )
    .option('--no-wait', 'return after the upload without waiting for the outcome')
    .option('--timeout <seconds>', 'how long to wait for the outcome', parsePositiveInteger, 120)
    .addHelpText(
      'after',
      '\nExample:\n  $ npx react-native bundle --platform android --dev false --entry-file index.js \\\n      --bundle-output ./CodePush/index.android.bundle --assets-dest ./CodePush\n  $ hotpatch release ./CodePush --app shop --platform android --target "^1.4.0" --description "fix login"\n\nA hotpatch.json in the released folder (targetBinaryRange, channel, description, mandatory, rollout, disabled,\nbundleName) sets defaults for these flags; flags win, and the file is not shipped to devices.',
    )
    .action(async (target: string, options: ReleaseOptions, command: Command) => {
      const { api, config, output } = contextFor(command, environment);
      const packaged = await packageRelease(target, options.privateKey ? { privateKey: options.privateKey } : {});
      try {
        const request = releaseRequestFrom(options, packaged.settings, target);
        output.line(
          `uploading ${target} (${(packaged.size / 1024).toFixed(1)} KB) to oss://${config.oss.bucket}/${config.uploadPrefix}${options.app}/${options.platform}/`,
        );
        const { key, etag } = await uploadRelease(config, packaged, options, request, output);
        if (!options.wait) {
          output.result({ uploadKey: key, etag, status: 'uploaded' }, () =>
            output.line(`uploaded ${key}; follow it with the outcome under upload-status/`),
          );
          return;
        }
        const deadline = Date.now() + options.timeout * 1000;
        let outcome: UploadStatusResponse | null = null;
        while (!outcome) {
          outcome = await api.signedOrNull<UploadStatusResponse>('/v1/uploads/status', { key, etag });
          if (outcome) break;
          if (Date.now() > deadline)
            throw new CliError(
              `no outcome for ${key} after ${options.timeout} s: is uploadBundle's OSS trigger configured?`,
            );
          await sleep(250);
        }
        if (outcome.status === 'rejected') {
          if (output.json) output.result(outcome, () => undefined);
          throw new CliError(`release rejected (${key})`, { details: outcome.reasons });
        }
        const release = outcome.release;
        const visibility = visibilityLine(outcome.visibleWithinSeconds);
        output.result(outcome, () => {
          output.line(
            `released ${release.app} ${release.platform} ${release.channel} ${release.label}: hash ${release.packageHash}, ${release.size} bytes`,
          );
          if (visibility) output.line(`  ${visibility}`);
        });
      } finally {
        packaged.remove();
      }
    });
}
