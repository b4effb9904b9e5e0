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
import type { ApiClient } from '../createApiClient';
import { expoPlatforms, packageExpoPlatform, readExpoExport } from '../packageExpoExport';
import { packageRelease } from '../packageRelease';
import { parsePercentage, parsePositiveInteger } from '../parseOptions';
import { uploadRelease } from '../uploadRelease';
import { visibilityLine } from '../visibility';

interface ReleaseOptions {
  app: string;
  platform?: string;
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
  expo?: string;
  runtimeVersion?: string;
  message?: string;
  expoConfig?: string;
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
  if (
    options.runtimeVersion === undefined &&
    options.target === undefined &&
    settings?.[RELEASE_FIELDS.targetBinaryRange.json] === undefined
  ) {
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
  set('runtimeVersion', options.runtimeVersion);
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

/** Polls uploadBundle's recorded outcome of one upload until it is there or the timeout passes. */
async function waitForOutcome(
  api: ApiClient,
  upload: { key: string; etag: string },
  timeoutSeconds: number,
): Promise<UploadStatusResponse> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const outcome = await api.signedOrNull<UploadStatusResponse>('/v1/uploads/status', upload);
    if (outcome) return outcome;
    if (Date.now() > deadline)
      throw new CliError(
        `no outcome for ${upload.key} after ${timeoutSeconds} s: is uploadBundle's OSS trigger configured?`,
      );
    await sleep(250);
  }
}

/** Flags that mean nothing for an Expo export (it targets a runtime version and has its own layout). */
const NOT_FOR_EXPO = [
  ['target', '--target (an Expo update targets --runtime-version)'],
  ['bundleName', '--bundle-name'],
  ['privateKey', '--private-key (Expo code signing happens when the manifest is served)'],
] as const;

/**
 * `hotpatch release --expo <dist>`: one update per platform of the export, each uploaded like any release and
 * waited for; prints each platform's label and update id.
 */
async function releaseExpo(
  options: ReleaseOptions,
  command: Command,
  environment: CliEnvironment,
  dist: string,
): Promise<void> {
  const { api, config, output } = contextFor(command, environment);
  for (const [option, flag] of NOT_FOR_EXPO)
    if (options[option] !== undefined) throw new CliError(`${flag} does not apply with --expo`, { exitCode: 2 });
  if (options.runtimeVersion === undefined)
    throw new CliError('--runtime-version is required with --expo (the exact runtimeVersion of the app build)', {
      exitCode: 2,
    });
  if (options.message !== undefined && options.description !== undefined)
    throw new CliError('give --message or --description, not both', { exitCode: 2 });
  const request = releaseRequestFrom(
    { ...options, ...(options.message !== undefined ? { description: options.message } : {}) },
    undefined,
    dist,
  );
  const exported = readExpoExport(dist, options.expoConfig);
  const platforms = expoPlatforms(exported, options.platform ?? 'all');
  const uploads: { platform: string; key: string; etag: string }[] = [];
  for (const platform of platforms) {
    const packaged = await packageExpoPlatform(exported, platform);
    try {
      output.line(
        `uploading ${dist} (${platform}, ${(packaged.size / 1024).toFixed(1)} KB) to oss://${config.oss.bucket}/${config.uploadPrefix}${options.app}/${platform}/`,
      );
      uploads.push({ platform, ...(await uploadRelease(config, packaged, { ...options, platform }, request, output)) });
    } finally {
      packaged.remove();
    }
  }
  if (!options.wait) {
    output.result({ uploads: uploads.map(({ key, etag }) => ({ uploadKey: key, etag, status: 'uploaded' })) }, () => {
      for (const { key } of uploads) output.line(`uploaded ${key}; follow it with the outcome under upload-status/`);
    });
    return;
  }
  const outcomes: (UploadStatusResponse & { id?: string })[] = [];
  for (const upload of uploads) {
    const outcome = await waitForOutcome(api, upload, options.timeout);
    outcomes.push(outcome.status === 'accepted' ? { ...outcome, id: outcome.release.expo?.id } : outcome);
  }
  const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
  output.result({ releases: outcomes }, () => {
    for (const outcome of outcomes) {
      if (outcome.status !== 'accepted') continue;
      const { release } = outcome;
      output.line(
        `released ${release.app} ${release.platform} ${release.channel} ${release.label}: update ${outcome.id}, runtime version ${release.expo?.runtimeVersion}, ${release.size} bytes`,
      );
    }
    const visibility = visibilityLine(
      outcomes.find((outcome) => outcome.visibleWithinSeconds !== undefined)?.visibleWithinSeconds,
    );
    if (visibility && rejected.length < outcomes.length) output.line(`  ${visibility}`);
  });
  if (rejected.length > 0)
    throw new CliError(`release rejected (${rejected.map((outcome) => outcome.uploadKey).join(', ')})`, {
      details: rejected.flatMap((outcome) => (outcome.status === 'rejected' ? outcome.reasons : [])),
    });
}

/** `hotpatch release <path>`: upload, then wait for uploadBundle's outcome. */
export function registerReleaseCommand(program: Command, environment: CliEnvironment): void {
  program
    .command('release [path]')
    .description(
      'release a folder (zipped), a zip or a single JS bundle, or an Expo export (--expo): upload it and wait for the outcome',
    )
    .requiredOption('--app <app>', 'the app')
    .option('--platform <platform>', 'ios or android (with --expo: ios, android or all; default all)')
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
    .option('--expo <dist>', 'release the output folder of npx expo export: one Expo update per platform')
    .option('--runtime-version <version>', 'with --expo: the runtime version the update is for (exact string)')
    .option('--message <text>', 'with --expo: release notes (as --description)')
    .option('--expo-config <app.json>', "with --expo: the app config, shipped as the update's Constants.expoConfig")
    .option('--no-wait', 'return after the upload without waiting for the outcome')
    .option('--timeout <seconds>', 'how long to wait for the outcome', parsePositiveInteger, 120)
    .addHelpText(
      'after',
      '\nExample:\n  $ npx react-native bundle --platform android --dev false --entry-file index.js \\\n      --bundle-output ./CodePush/index.android.bundle --assets-dest ./CodePush\n  $ hotpatch release ./CodePush --app shop --platform android --target "^1.4.0" --description "fix login"\n\nA hotpatch.json in the released folder (targetBinaryRange, channel, description, mandatory, rollout, disabled,\nbundleName) sets defaults for these flags; flags win, and the file is not shipped to devices.\n\nExpo apps:\n  $ npx expo export\n  $ hotpatch release --expo ./dist --app shop --runtime-version 1.0.0 --platform all --expo-config app.json --message "fix login"',
    )
    .action(async (target: string | undefined, options: ReleaseOptions, command: Command) => {
      if (options.expo !== undefined) {
        if (target !== undefined)
          throw new CliError(`give the export folder once: --expo ${options.expo}, not also ${target}`, {
            exitCode: 2,
          });
        return releaseExpo(options, command, environment, options.expo);
      }
      for (const flag of ['runtimeVersion', 'message', 'expoConfig'] as const)
        if (options[flag] !== undefined)
          throw new CliError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies only with --expo`, {
            exitCode: 2,
          });
      if (target === undefined) throw new CliError('give the path to release (or --expo <dist>)', { exitCode: 2 });
      if (options.platform === undefined)
        throw new CliError("required option '--platform <platform>' not specified", { exitCode: 2 });
      const { api, config, output } = contextFor(command, environment);
      const packaged = await packageRelease(target, options.privateKey ? { privateKey: options.privateKey } : {});
      try {
        const request = releaseRequestFrom(options, packaged.settings, target);
        output.line(
          `uploading ${target} (${(packaged.size / 1024).toFixed(1)} KB) to oss://${config.oss.bucket}/${config.uploadPrefix}${options.app}/${options.platform}/`,
        );
        const { key, etag } = await uploadRelease(
          config,
          packaged,
          { app: options.app, platform: options.platform },
          request,
          output,
        );
        if (!options.wait) {
          output.result({ uploadKey: key, etag, status: 'uploaded' }, () =>
            output.line(`uploaded ${key}; follow it with the outcome under upload-status/`),
          );
          return;
        }
        const outcome = await waitForOutcome(api, { key, etag }, options.timeout);
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
