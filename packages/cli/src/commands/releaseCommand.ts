import type { Command } from 'commander';
import type { UploadStatusResponse } from '@hotpatch/core';
import { CliError } from '../CliError';
import { contextFor, type CliEnvironment } from '../CommandContext';
import { packageRelease } from '../packageRelease';
import { parsePercentage, parsePositiveInteger } from '../parseOptions';
import { uploadRelease, type ReleaseMetadata } from '../uploadRelease';
import { visibilityLine } from '../visibility';

interface ReleaseOptions extends ReleaseMetadata {
  app: string;
  platform: string;
  privateKey?: string;
  wait: boolean;
  timeout: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `hotpatch release <path>`: upload, then wait for uploadBundle's outcome. */
export function registerReleaseCommand(program: Command, environment: CliEnvironment): void {
  program
    .command('release <path>')
    .description('release a folder (zipped), a zip or a single JS bundle: upload it and wait for the outcome')
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .requiredOption('--target <range>', 'semver range of binary versions this release is for, e.g. "^1.4.0"')
    .option('--channel <channel>', 'channel to release to', 'staging')
    .option('--description <text>', 'release notes')
    .option('--mandatory', 'apps must install it')
    .option('--rollout <percent>', 'share of installs that get it, 1-100', parsePercentage)
    .option('--disabled', 'release it invisible (enable later with hotpatch patch)')
    .option('--private-key <pem>', 'sign the release for CodePush clients (RS256 .codepushrelease; the folder must be named CodePush)')
    .option('--no-wait', 'return after the upload without waiting for the outcome')
    .option('--timeout <seconds>', 'how long to wait for the outcome', parsePositiveInteger, 120)
    .addHelpText('after', '\nExample:\n  $ npx react-native bundle --platform android --dev false --entry-file index.js \\\n      --bundle-output ./CodePush/index.android.bundle --assets-dest ./CodePush\n  $ hotpatch release ./CodePush --app shop --platform android --target "^1.4.0" --description "fix login"')
    .action(async (target: string, options: ReleaseOptions, command: Command) => {
      const { api, config, output } = contextFor(command, environment);
      const packaged = await packageRelease(target, options.privateKey ? { privateKey: options.privateKey } : {});
      try {
        output.line(`uploading ${target} (${(packaged.size / 1024).toFixed(1)} KB) to oss://${config.oss.bucket}/uploads/${options.app}/${options.platform}/`);
        const { key, etag } = await uploadRelease(config, packaged, options, {
          target: options.target,
          channel: options.channel,
          ...(options.description !== undefined ? { description: options.description } : {}),
          ...(options.mandatory ? { mandatory: true } : {}),
          ...(options.rollout !== undefined ? { rollout: options.rollout } : {}),
          ...(options.disabled ? { disabled: true } : {}),
        }, output);
        if (!options.wait) {
          output.result({ uploadKey: key, etag, status: 'uploaded' }, () => output.line(`uploaded ${key}; follow it with the outcome under upload-status/`));
          return;
        }
        const deadline = Date.now() + options.timeout * 1000;
        let outcome: UploadStatusResponse | null = null;
        while (!outcome) {
          outcome = await api.signedOrNull<UploadStatusResponse>('/v1/uploads/status', { key, etag });
          if (outcome) break;
          if (Date.now() > deadline) throw new CliError(`no outcome for ${key} after ${options.timeout} s: is uploadBundle's OSS trigger configured?`);
          await sleep(250);
        }
        if (outcome.status === 'rejected') {
          if (output.json) output.result(outcome, () => undefined);
          throw new CliError(`release rejected (${key})`, { details: outcome.reasons });
        }
        const release = outcome.release;
        const visibility = visibilityLine(outcome.visibleWithinSeconds);
        output.result(outcome, () => {
          output.line(`released ${release.app} ${release.platform} ${release.channel} ${release.label}: hash ${release.packageHash}, ${release.size} bytes`);
          if (visibility) output.line(`  ${visibility}`);
        });
      } finally {
        packaged.remove();
      }
    });
}
