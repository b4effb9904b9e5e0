import FCClient from '@alicloud/fc2';
import { Option, type Command } from 'commander';
import { AUTH_MODES, DOWNLOAD_MODES, FUNCTION_SIZING, STS_SIGNED_URL_MAX_SECONDS } from '@hotpatch/common';
import { CliError } from '../CliError';
import { applyBucketPolicy } from '../deploy/applyBucketPolicy';
import { applyDeployment } from '../deploy/applyDeployment';
import { desiredState } from '../deploy/desiredState';
import { loadDeploySettings, uploadPrefixFrom, type DeployOptions } from '../deploy/loadDeploySettings';
import { redactEnvironment } from '../deploy/redactEnvironment';
import { publicReadStatements, RAM_POLICY_SUBJECTS, ramPolicy, type PolicyDocument } from '../deploy/ossPolicies';
import { contextFor, type CliEnvironment } from '../CommandContext';

const PRINTABLE_POLICIES = [...RAM_POLICY_SUBJECTS, 'bucket'] as const;
type DeployCommandOptions = DeployOptions & {
  dryRun?: boolean;
  bucketPolicy?: boolean;
  printPolicy?: (typeof PRINTABLE_POLICIES)[number];
};

function printablePolicy(
  which: (typeof PRINTABLE_POLICIES)[number],
  options: DeployCommandOptions,
  environment: CliEnvironment,
): PolicyDocument {
  const bucket = options.bucket ?? (environment.env.HOTPATCH_OSS_BUCKET || undefined);
  if (!bucket) throw new CliError('the bucket (--bucket or HOTPATCH_OSS_BUCKET) is required', { exitCode: 2 });
  if (which !== 'bucket') return ramPolicy(which, bucket, uploadPrefixFrom(options.uploadPrefix, environment.env));
  const accountId = options.accountId ?? (environment.env.ALIBABA_CLOUD_ACCOUNT_ID || undefined);
  if (!accountId)
    throw new CliError('the account id (--account-id or ALIBABA_CLOUD_ACCOUNT_ID) is required for the bucket policy', {
      exitCode: 2,
    });
  return {
    Version: '1',
    Statement: publicReadStatements(bucket, accountId, (options.downloadMode ?? 'public') as 'public' | 'signed'),
  };
}

/**
 * `hotpatch deploy [--dry-run]`: the three functions, their environment and triggers, on FC with the fc2 SDK,
 * then the bucket policy that makes the content prefixes (and nothing else) anonymously readable.
 */
export function registerDeployCommand(program: Command, environment: CliEnvironment): void {
  program
    .command('deploy')
    .description(
      'create or update the FC service, the three functions (from npm run build), their environment and triggers, and the bucket policy; a second run changes nothing',
    )
    .option('--dry-run', 'print the plan and the bucket policy, change nothing')
    .option('--bucket <bucket>', 'the OSS bucket holding all state (env HOTPATCH_OSS_BUCKET)')
    .option(
      '--app-keys <pairs>',
      "publishBundle's management keys, key:secret[:role[:apps]][,…]; role admin|release|read, apps * or a|b (env HOTPATCH_APP_KEYS); only publishBundle receives them",
    )
    .option('--service <name>', 'FC service name', 'hotpatch')
    .option(
      '--role <arn>',
      'RAM role the functions run as (their OSS access: hotpatch deploy --print-policy functions)',
    )
    .option('--log-project <project>', 'SLS project for the logs')
    .option('--log-store <store>', 'SLS logstore for the logs')
    .option(
      '--invocation-role <arn>',
      'the role OSS invokes uploadBundle with (default AliyunOSSEventNotificationRole)',
    )
    .addOption(
      new Option(
        '--download-mode <mode>',
        'public: plain download URLs, anonymous reads of packages/ and diffs/ through the bucket policy; signed: presigned URLs, nothing public',
      )
        .choices([...DOWNLOAD_MODES])
        .default('public'),
    )
    .option(
      '--download-base-url <url>',
      "a CDN or the bucket URL devices download from (default the bucket's public endpoint)",
    )
    .option(
      '--download-signer-key-id <id>',
      'signed mode: the access key id of a RAM user allowed only GetObject on packages/ and diffs/ (--print-policy signer), which signs download URLs so they live HOTPATCH_DOWNLOAD_URL_EXPIRES (env HOTPATCH_DOWNLOAD_SIGNER_KEY_ID); without it URLs live at most an hour',
    )
    .option(
      '--download-signer-key-secret <secret>',
      'its secret (env HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET, better than the flag: shell history); never printed',
    )
    .addOption(
      new Option(
        '--auth-mode <mode>',
        "how publishBundle authenticates: direct (it checks the app signature; FC HTTP trigger) or gateway (behind API Gateway: it checks the gateway's backend signature, and gets no HTTP trigger) (env HOTPATCH_AUTH_MODE)",
      ).choices([...AUTH_MODES]),
    )
    .option(
      '--gateway-signature-key <name>',
      'gateway mode: the backend signature key bound to the management APIs (env HOTPATCH_GATEWAY_SIGNATURE_KEY)',
    )
    .option(
      '--gateway-signature-secret <secret>',
      'its secret (env HOTPATCH_GATEWAY_SIGNATURE_SECRET); publishBundle only, never printed',
    )
    .option(
      '--upload-prefix <prefix>',
      'the OSS trigger prefix uploads arrive under (env HOTPATCH_UPLOAD_PREFIX, default uploads/)',
    )
    .option(
      '--check-concurrency <n>',
      `requests one getLatestBundle instance serves at once (default ${FUNCTION_SIZING.getLatestBundle.instanceConcurrency}; publishBundle runs ${FUNCTION_SIZING.publishBundle.instanceConcurrency}, uploadBundle 1)`,
    )
    .option(
      '--expo-key-encryption-key <keys>',
      "Expo code signing: the key-encryption key getLatestBundle opens apps' signing keys with, 32 bytes base64, new,old while rotating (env HOTPATCH_EXPO_KEY_ENCRYPTION_KEY, better than the flag: shell history); getLatestBundle only, never printed",
    )
    .option(
      '--api-url <url>',
      "the URL devices reach the API at (API Gateway's domain, env HOTPATCH_API_URL): getLatestBundle then serves Expo launch assets itself, as binary patches (226) where it has one; without it they are downloaded whole from the content URL",
    )
    .option('--no-bucket-policy', 'leave the bucket policy alone (when another tool manages it)')
    .addOption(
      new Option(
        '--print-policy <which>',
        "print a policy document for this bucket and exit (no FC or OSS call): the RAM policy of the functions' role, of the CLI's uploader or of the download signer (signed mode), or the bucket policy (--download-mode, --account-id)",
      ).choices([...PRINTABLE_POLICIES]),
    )
    .option('--artifacts <folder>', 'where npm run build wrote the zips', 'artifacts')
    .option('--account-id <id>', 'Alibaba Cloud account id (env ALIBABA_CLOUD_ACCOUNT_ID)')
    .option('--region <region>', 'e.g. cn-shanghai (env ALIBABA_CLOUD_DEFAULT_REGION)')
    .option('--fc-endpoint <url>', 'FC API endpoint (env HOTPATCH_FC_ENDPOINT; default from account and region)')
    .option('--fcli-config <file>', "fcli's config (default ~/.fcli/config.yaml)")
    .addHelpText(
      'after',
      '\nExample:\n  $ npm run build\n  $ hotpatch deploy --region cn-shanghai --account-id 1234567890 --bucket my-bundles \\\n      --role acs:ram::1234567890:role/hotpatch-fc --log-project hotpatch --log-store functions --dry-run\n  $ hotpatch deploy --bucket my-bundles --print-policy functions > functions-policy.json',
    )
    .action(async (options: DeployCommandOptions, command: Command) => {
      const { output } = contextFor(command, environment);
      if (options.printPolicy) {
        output.write(`${JSON.stringify(printablePolicy(options.printPolicy, options, environment), null, 2)}\n`);
        return;
      }
      // The global --oss-endpoint (not HOTPATCH_OSS_ENDPOINT, often the local stack's) reaches the bucket policy step.
      const { ossEndpoint } = command.optsWithGlobals<{ ossEndpoint?: string }>();
      const { settings, connection } = loadDeploySettings(
        { ...options, ...(ossEndpoint ? { ossEndpoint } : {}) },
        environment.env,
      );
      const state = desiredState(settings);
      const dryRun = options.dryRun === true;
      const client = new FCClient(connection.accountId, {
        accessKeyID: connection.accessKeyId,
        accessKeySecret: connection.accessKeySecret,
        ...(connection.securityToken ? { securityToken: connection.securityToken } : {}),
        region: connection.region,
        secure: true,
        ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
        timeout: 120_000,
      });
      // Said before anything changes, on stderr (as the bucket policy's warnings), so --json stays one document.
      if (settings.downloadMode === 'signed' && !settings.downloadSigner) {
        environment.stderr.write(
          `hotpatch: warning: signed download URLs will be signed with the function role's STS credentials and live at most ${STS_SIGNED_URL_MAX_SECONDS} s; give --download-signer-key-id and --download-signer-key-secret (hotpatch deploy --print-policy signer) for longer-lived URLs\n`,
        );
      }
      const actions = await applyDeployment(client, state, dryRun);
      // What each function will run with, secrets redacted: a plan can be reviewed and shared.
      const environments = Object.fromEntries(
        state.functions.map((fn) => [fn.functionName, redactEnvironment(fn.environmentVariables)]),
      );
      const bucketPolicy =
        options.bucketPolicy === false
          ? undefined
          : await applyBucketPolicy(
              {
                bucket: settings.bucket,
                region: `oss-${settings.region}`,
                endpoint: connection.ossEndpoint,
                accessKeyId: connection.accessKeyId,
                accessKeySecret: connection.accessKeySecret,
                securityToken: connection.securityToken,
              },
              publicReadStatements(settings.bucket, settings.accountId, settings.downloadMode),
              dryRun,
            );
      if (bucketPolicy) actions.push(bucketPolicy.action);
      // Warnings go to stderr in both output modes, so that --json output stays one document and they are still seen.
      for (const warning of bucketPolicy?.warnings ?? []) environment.stderr.write(`hotpatch: warning: ${warning}\n`);
      output.result(
        {
          dryRun,
          actions,
          environments,
          ...(bucketPolicy
            ? {
                bucketPolicy: bucketPolicy.policy ?? null,
                bucketAcl: bucketPolicy.acl,
                warnings: bucketPolicy.warnings,
              }
            : {}),
        },
        () => {
          output.line(
            dryRun
              ? `plan for service ${settings.service} in ${settings.region} (nothing changed):`
              : `service ${settings.service} in ${settings.region}:`,
          );
          for (const action of actions)
            output.line(
              `  ${action.action.padEnd(9)} ${action.resource}${action.changes.length > 0 ? ` (${action.changes.join(', ')})` : ''}`,
            );
          if (dryRun) {
            for (const [name, variables] of Object.entries(environments))
              output.line(
                `environment of ${name} (secrets redacted):\n${Object.entries(variables)
                  .map(([variable, value]) => `  ${variable}=${value}`)
                  .join('\n')}`,
              );
          }
          if (bucketPolicy && dryRun)
            output.line(
              `bucket policy of ${settings.bucket} after deploy:\n${bucketPolicy.policy ? JSON.stringify(bucketPolicy.policy, null, 2) : '(none: nothing anonymously readable)'}`,
            );
        },
      );
    });
}
