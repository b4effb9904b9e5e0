import FCClient from '@alicloud/fc2';
import type { Command } from 'commander';
import { applyDeployment } from '../deploy/applyDeployment';
import { desiredState } from '../deploy/desiredState';
import { loadDeploySettings, type DeployOptions } from '../deploy/loadDeploySettings';
import { contextFor, type CliEnvironment } from '../CommandContext';

/** `hotpatch deploy [--dry-run]`: the three functions, their environment and triggers, on FC with the fc2 SDK. */
export function registerDeployCommand(program: Command, environment: CliEnvironment): void {
  program
    .command('deploy')
    .description('create or update the FC service, the three functions (from npm run build), their environment and triggers; a second run changes nothing')
    .option('--dry-run', 'print the plan, change nothing')
    .option('--bucket <bucket>', 'the OSS bucket holding all state (env HOTPATCH_OSS_BUCKET)')
    .option('--app-keys <pairs>', "publishBundle's management keys, key:secret[:role[:apps]][,…]; role admin|release|read, apps * or a|b (env HOTPATCH_APP_KEYS)")
    .option('--service <name>', 'FC service name', 'hotpatch')
    .option('--role <arn>', 'RAM role the functions run as (their OSS access)')
    .option('--log-project <project>', 'SLS project for the logs')
    .option('--log-store <store>', 'SLS logstore for the logs')
    .option('--invocation-role <arn>', 'the role OSS invokes uploadBundle with (default AliyunOSSEventNotificationRole)')
    .option('--download-base-url <url>', 'a CDN or public bucket URL for downloads')
    .option('--artifacts <folder>', 'where npm run build wrote the zips', 'artifacts')
    .option('--account-id <id>', 'Alibaba Cloud account id (env ALIBABA_CLOUD_ACCOUNT_ID)')
    .option('--region <region>', 'e.g. cn-shanghai (env ALIBABA_CLOUD_DEFAULT_REGION)')
    .option('--fc-endpoint <url>', 'FC API endpoint (env HOTPATCH_FC_ENDPOINT; default from account and region)')
    .option('--fcli-config <file>', "fcli's config (default ~/.fcli/config.yaml)")
    .addHelpText('after', '\nExample:\n  $ npm run build\n  $ hotpatch deploy --region cn-shanghai --account-id 1234567890 --bucket my-bundles \\\n      --role acs:ram::1234567890:role/hotpatch-fc --log-project hotpatch --log-store functions --dry-run')
    .action(async (options: DeployOptions & { dryRun?: boolean }, command: Command) => {
      const { output } = contextFor(command, environment);
      const { settings, connection } = loadDeploySettings(options, environment.env);
      const state = desiredState(settings);
      const client = new FCClient(connection.accountId, {
        accessKeyID: connection.accessKeyId,
        accessKeySecret: connection.accessKeySecret,
        ...(connection.securityToken ? { securityToken: connection.securityToken } : {}),
        region: connection.region,
        secure: true,
        ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
        timeout: 120_000,
      });
      const actions = await applyDeployment(client, state, options.dryRun === true);
      output.result({ dryRun: options.dryRun === true, actions }, () => {
        output.line(options.dryRun ? `plan for service ${settings.service} in ${settings.region} (nothing changed):` : `service ${settings.service} in ${settings.region}:`);
        for (const action of actions) output.line(`  ${action.action.padEnd(9)} ${action.resource}${action.changes.length > 0 ? ` (${action.changes.join(', ')})` : ''}`);
      });
    });
}
