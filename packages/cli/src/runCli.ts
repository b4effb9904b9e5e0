import { Command, CommanderError } from 'commander';
import { CliError } from './CliError';
import type { CliEnvironment } from './CommandContext';
import { registerAppCommands } from './commands/appCommands';
import { registerBuildCommands } from './commands/buildCommands';
import { registerCheckCommand } from './commands/checkCommand';
import { registerDeployCommand } from './commands/deployCommand';
import { registerExpoCommands } from './commands/expoCommands';
import { registerHealthCommands } from './commands/healthCommands';
import { registerManageCommands } from './commands/manageCommands';
import { registerReleaseCommand } from './commands/releaseCommand';

const CLI_VERSION = '0.1.0';

/** Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The whole `hotpatch` program (every command and option), ready to parse; also what the doc check walks. */
export function buildProgram(environment: CliEnvironment): Command {
  const program = new Command('hotpatch')
    .description(
      'Release and manage over-the-air React Native updates on hotpatch (Alibaba Cloud, or the local stack of `npm start`).',
    )
    .version(CLI_VERSION)
    .option('--endpoint <url>', 'hotpatch API (env HOTPATCH_ENDPOINT; default the local stack)')
    .option('--app-key <key>', 'API Gateway app key that signs management calls (env HOTPATCH_APP_KEY)')
    .option('--app-secret <secret>', 'its secret (env HOTPATCH_APP_SECRET)')
    .option('--oss-endpoint <url>', 'OSS endpoint for uploads (env HOTPATCH_OSS_ENDPOINT)')
    .option('--oss-region <region>', 'OSS region, e.g. oss-cn-shanghai (env HOTPATCH_OSS_REGION)')
    .option('--oss-bucket <bucket>', 'OSS bucket (env HOTPATCH_OSS_BUCKET)')
    .option('--config <file>', 'JSON config file (env HOTPATCH_CONFIG; default ~/.hotpatch/config.json)')
    .option('--json', 'print results as JSON')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => environment.stdout.write(text),
      writeErr: (text) => environment.stderr.write(text),
    });
  registerAppCommands(program, environment);
  registerReleaseCommand(program, environment);
  registerManageCommands(program, environment);
  registerHealthCommands(program, environment);
  registerBuildCommands(program, environment);
  registerCheckCommand(program, environment);
  registerDeployCommand(program, environment);
  registerExpoCommands(program, environment);
  // Subcommands inherit the error handling.
  const inherit = (command: Command): void => {
    for (const sub of command.commands) {
      sub
        .exitOverride()
        .showHelpAfterError()
        .configureOutput({
          writeOut: (text) => environment.stdout.write(text),
          writeErr: (text) => environment.stderr.write(text),
        });
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** Runs one command line; resolves the exit code. Secrets never reach the output. */
export async function runCli(argv: string[], environment: CliEnvironment): Promise<number> {
  const program = buildProgram(environment);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      environment.stderr.write(`hotpatch: ${error.message}\n`);
      for (const detail of error.details) environment.stderr.write(`  - ${detail}\n`);
      return error.exitCode;
    }
    environment.stderr.write(`hotpatch: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}
