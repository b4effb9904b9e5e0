#!/usr/bin/env node
import { ConfigError, readCatalogTtlSeconds } from '@hotpatch/common';
import { createLocalStack } from './createLocalStack';
import { DEV_APP_KEY, loadLocalStackSettings } from './loadLocalStackSettings';
import { publicReadPrefixes } from '@hotpatch/core';

/** `npm start`: the whole stack on this machine, until Ctrl-C. */
async function main(): Promise<void> {
  const settings = loadLocalStackSettings(process.env);
  const stack = await createLocalStack(settings);
  const appLines: string[] = [];
  for (const wanted of settings.apps) {
    const app = (await stack.registry.get(wanted.name)) ?? (await stack.registry.create(wanted));
    for (const [channel, { deploymentKeys }] of Object.entries(app.channels)) {
      for (const [platform, key] of Object.entries(deploymentKeys))
        appLines.push(`  app ${app.name} ${platform}/${channel}: deployment key ${key}`);
    }
  }
  const ttl = readCatalogTtlSeconds(stack.functionEnv);
  const lines = [
    'hotpatch local stack is running',
    `  API (gateway):   ${stack.publicApiUrl}`,
    `  OSS endpoint:    ${stack.publicOssUrl}   bucket: ${stack.bucket} (private; anonymous reads of ${publicReadPrefixes.join(', ')} only, as in production)`,
    ...(stack.publicApiUrl === stack.apiUrl ? [] : [`  from this machine: ${stack.apiUrl} and ${stack.ossUrl}`]),
    `  listening on:    ${settings.host}${settings.host === '127.0.0.1' ? ' (this machine only; HOTPATCH_HOST=0.0.0.0 for a LAN or an emulator)' : ''}`,
    `  access key:      ${settings.credentials.accessKeyId}`,
    `  access secret:   ${settings.usingDevCredentials ? `${settings.credentials.accessKeySecret}   (dev default; set ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET to change)` : '(from ALIBABA_CLOUD_ACCESS_KEY_SECRET)'}`,
    `  app key:         ${settings.appKey.key}   (signs release management: HOTPATCH_APP_KEY)`,
    `  app secret:      ${settings.appKey.secret === DEV_APP_KEY.secret ? `${DEV_APP_KEY.secret}   (dev default; set HOTPATCH_APP_SECRET to change)` : '(from HOTPATCH_APP_SECRET)'}`,
    `  upload prefix:   oss://${stack.bucket}/${stack.uploadPrefix}<app>/<platform>/<name>.zip`,
    `  catalog TTL:     ${ttl} s (changes reach devices ${ttl === 0 ? 'at their next check' : `within ${ttl} s`}; HOTPATCH_CATALOG_TTL_SECONDS)`,
    `  data folder:     ${stack.dataDir}`,
    ...appLines,
    '  Ctrl-C stops it; a restart serves the same data.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping (finishing trigger deliveries)…\n`);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const reason =
    error instanceof ConfigError
      ? error.message
      : (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `port in use: ${(error as Error).message} (set HOTPATCH_PORT / HOTPATCH_OSS_PORT)`
        : (error as Error).message;
  process.stderr.write(`hotpatch local stack failed to start: ${reason}\n`);
  process.exit(1);
});
