import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Command } from 'commander';
import type { BuildDescription, BuildListResponse, RegisterBuildBody, RegisterBuildResponse } from '@hotpatch/core';
import { CliError } from '../CliError';
import { contextFor, type CliEnvironment } from '../CommandContext';

interface BuildOptions {
  app: string;
  platform: string;
}

const buildsPath = (options: BuildOptions): string =>
  `/v1/apps/${encodeURIComponent(options.app)}/${encodeURIComponent(options.platform)}/builds`;

function describeBuild(build: BuildDescription): string {
  const name =
    build.kind === 'native'
      ? `binary ${build.binaryVersion}`
      : `runtime ${build.runtimeVersion}, embedded update ${build.embeddedUpdateId}`;
  return `${build.id}: ${name}, bundle ${build.bundleSha256.slice(0, 12)}… (${build.size} bytes), registered ${build.registeredAt} by ${build.by}`;
}

/** `hotpatch build register|ls|rm`: the bundles shipped inside store builds, bases of patches for fresh installs. */
export function registerBuildCommands(program: Command, environment: CliEnvironment): void {
  const build = program
    .command('build')
    .description('register the bundle shipped inside a store build, so fresh installs get binary patches');
  build
    .command('register')
    .description("store a store build's embedded bundle (JS or Hermes) and patch the releases it can receive")
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .option('--binary-version <version>', 'the binary version of the build (native apps)')
    .option('--runtime-version <version>', 'the runtime version of the build (Expo apps, with --embedded-update-id)')
    .option('--embedded-update-id <uuid>', "the id of the build's embedded update (Expo apps)")
    .requiredOption('--bundle <path>', 'the bundle file inside the build (e.g. index.android.bundle)')
    .addHelpText(
      'after',
      '\nExample:\n  $ hotpatch build register --app shop --platform android --binary-version 1.4.0 \\\n      --bundle android/app/build/generated/assets/createBundleReleaseJsAndAssets/index.android.bundle',
    )
    .action(
      async (
        options: BuildOptions & {
          binaryVersion?: string;
          runtimeVersion?: string;
          embeddedUpdateId?: string;
          bundle: string;
        },
        command: Command,
      ) => {
        const native = options.binaryVersion !== undefined;
        const expo = options.runtimeVersion !== undefined || options.embeddedUpdateId !== undefined;
        if (
          native === expo ||
          (expo && (options.runtimeVersion === undefined || options.embeddedUpdateId === undefined))
        )
          throw new CliError('give --binary-version, or --runtime-version with --embedded-update-id', { exitCode: 2 });
        let bytes: Buffer;
        try {
          bytes = readFileSync(options.bundle);
        } catch {
          throw new CliError(`cannot read the bundle ${options.bundle}`, { exitCode: 2 });
        }
        const { api, output } = contextFor(command, environment);
        const body: RegisterBuildBody = {
          ...(native
            ? { binaryVersion: options.binaryVersion! }
            : { runtimeVersion: options.runtimeVersion!, embeddedUpdateId: options.embeddedUpdateId! }),
          bundleGzipBase64: gzipSync(bytes, { level: 9 }).toString('base64'),
        };
        const answer = await api.signed<RegisterBuildResponse>('POST', buildsPath(options), { body });
        output.result(answer, () => {
          output.line(`registered ${describeBuild(answer.build)}`);
          const patched = Object.entries(answer.patched);
          output.line(
            patched.length > 0
              ? `  patches for fresh installs: ${patched.map(([channel, label]) => `${channel} ${label}`).join(', ')}`
              : '  no release it can receive has a patch from it yet (later releases get one)',
          );
        });
      },
    );
  build
    .command('ls')
    .description('list the registered builds of an app platform')
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .addHelpText('after', '\nExample:\n  $ hotpatch build ls --app shop --platform android')
    .action(async (options: BuildOptions, command: Command) => {
      const { api, output } = contextFor(command, environment);
      const answer = await api.signed<BuildListResponse>('GET', buildsPath(options));
      output.result(answer, () => {
        if (answer.builds.length === 0) output.line('no registered builds');
        for (const registered of answer.builds) output.line(describeBuild(registered));
      });
    });
  build
    .command('rm <build>')
    .description('forget a registered build (its id from build ls): later releases get no patch from it')
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--platform <platform>', 'ios or android')
    .addHelpText('after', '\nExample:\n  $ hotpatch build rm binary-1.4.0 --app shop --platform android')
    .action(async (id: string, options: BuildOptions, command: Command) => {
      const { api, output } = contextFor(command, environment);
      await api.signed<unknown>('DELETE', `${buildsPath(options)}/${encodeURIComponent(id)}`);
      output.result({ removed: id }, () => output.line(`removed ${id}`));
    });
}
