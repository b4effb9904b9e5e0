import * as expoCertificates from '@expo/code-signing-certificates';
import OSS from 'ali-oss';
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  EXPO_KEY_ENCRYPTION_KEY_VARIABLE,
  EXPO_KEY_ID_PATTERN,
  EXPO_SIGNING_ALGORITHM,
  readExpoKeyEncryptionKeys,
  sealExpoSigningKey,
} from '@hotpatch/common';
import { nameProblem, storageKeys } from '@hotpatch/core';
import { CliError } from '../CliError';
import { contextFor, type CliEnvironment } from '../CommandContext';
import { EXIT } from '../runCli';

/** The node-forge objects the library passes around, opaque here (node-forge's types are not installed). */
interface ForgeKeyPair {
  publicKey: unknown;
  privateKey: unknown;
}

/** The four calls of @expo/code-signing-certificates that keygen uses, typed without node-forge. */
const certificates = expoCertificates as unknown as {
  generateKeyPair(): ForgeKeyPair;
  convertKeyPairToPEM(keyPair: ForgeKeyPair): { privateKeyPEM: string; publicKeyPEM: string };
  generateSelfSignedCodeSigningCertificate(parameters: {
    keyPair: ForgeKeyPair;
    validityNotBefore: Date;
    validityNotAfter: Date;
    commonName: string;
  }): unknown;
  convertCertificateToCertificatePEM(certificate: unknown): string;
};

function checkApp(app: string): void {
  const problem = nameProblem('app', app);
  if (problem) throw new CliError(problem, { exitCode: EXIT.usage });
}

function checkKeyId(keyId: string): void {
  if (!EXPO_KEY_ID_PATTERN.test(keyId))
    throw new CliError(`--key-id ${JSON.stringify(keyId)} must be 1-64 letters, digits, ".", "_" or "-"`, {
      exitCode: EXIT.usage,
    });
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`${option} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `hotpatch expo …`: code signing for apps that use expo-updates (docs/protocols/expo.md, docs/security.md). */
export function registerExpoCommands(program: Command, environment: CliEnvironment): void {
  const expo = program.command('expo').description('Expo Updates apps: code-signing keys');

  expo
    .command('keygen')
    .description('write a private key and a self-signed code-signing certificate for an app to embed')
    .requiredOption('--app <app>', 'the app')
    .option('--out <dir>', 'where to write the two PEM files', 'code-signing')
    .option('--key-id <id>', 'the key id the app expects (codeSigningMetadata.keyid)', 'main')
    .option('--validity-years <n>', 'how long the certificate is valid', '10')
    .addHelpText('after', '\nExample:\n  $ hotpatch expo keygen --app shop --out ./code-signing --key-id main')
    .action((options: { app: string; out: string; keyId: string; validityYears: string }, command: Command) => {
      const { output } = contextFor(command, environment);
      checkApp(options.app);
      checkKeyId(options.keyId);
      const years = Number(options.validityYears);
      if (!Number.isInteger(years) || years < 1 || years > 100)
        throw new CliError('--validity-years must be a whole number from 1 to 100', { exitCode: EXIT.usage });
      const privateKeyFile = path.resolve(options.out, 'private-key.pem');
      const certificateFile = path.resolve(options.out, 'certificate.pem');
      for (const file of [privateKeyFile, certificateFile])
        if (existsSync(file))
          throw new CliError(`${file} exists; keygen never overwrites a key (choose another --out)`);
      const keyPair = certificates.generateKeyPair();
      const validityNotBefore = new Date();
      const validityNotAfter = new Date(validityNotBefore);
      validityNotAfter.setFullYear(validityNotAfter.getFullYear() + years);
      const certificate = certificates.generateSelfSignedCodeSigningCertificate({
        keyPair,
        validityNotBefore,
        validityNotAfter,
        commonName: options.app,
      });
      mkdirSync(options.out, { recursive: true });
      writeFileSync(privateKeyFile, certificates.convertKeyPairToPEM(keyPair).privateKeyPEM, { mode: 0o600 });
      writeFileSync(certificateFile, certificates.convertCertificateToCertificatePEM(certificate));
      const appJson = {
        updates: {
          codeSigningCertificate: `./${path.relative(process.cwd(), certificateFile).split(path.sep).join('/')}`,
          codeSigningMetadata: { keyid: options.keyId, alg: EXPO_SIGNING_ALGORITHM },
        },
      };
      output.result({ privateKey: privateKeyFile, certificate: certificateFile, keyId: options.keyId, appJson }, () => {
        output.line(`wrote ${privateKeyFile} (keep it secret) and ${certificateFile} (embedded in the app)`);
        output.line('add to app.json under "expo":');
        output.line(JSON.stringify(appJson, null, 2));
        output.line(
          `then install the key: hotpatch expo key set --app ${options.app} --private-key ${privateKeyFile} --key-id ${options.keyId}`,
        );
      });
    });

  const key = expo.command('key').description("an app's signing key in the bucket (encrypted)");
  key
    .command('set')
    .description(
      `encrypt an app's private key with ${EXPO_KEY_ENCRYPTION_KEY_VARIABLE} (its first key) and store it for getLatestBundle`,
    )
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--private-key <file>', 'the PEM private key (from hotpatch expo keygen)')
    .option('--key-id <id>', 'the key id the app expects (codeSigningMetadata.keyid)', 'main')
    .option(
      '--certificate-chain <file>',
      'PEM certificates (leaf first) sent as the certificate_chain part, for apps built with codeSigningIncludeManifestResponseCertificateChain',
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ HOTPATCH_EXPO_KEY_ENCRYPTION_KEY=… hotpatch expo key set --app shop --private-key ./code-signing/private-key.pem',
    )
    .action(
      async (
        options: { app: string; privateKey: string; keyId: string; certificateChain?: string },
        command: Command,
      ) => {
        const { config, output } = contextFor(command, environment);
        checkApp(options.app);
        checkKeyId(options.keyId);
        const [keyEncryptionKey] = readExpoKeyEncryptionKeys(environment.env);
        if (!keyEncryptionKey)
          throw new CliError(
            `${EXPO_KEY_ENCRYPTION_KEY_VARIABLE} is not set: use the key-encryption key getLatestBundle has (docs/deploy.md)`,
          );
        const privateKeyPem = readText(options.privateKey, '--private-key');
        const certificateChain = options.certificateChain
          ? readText(options.certificateChain, '--certificate-chain')
          : undefined;
        let sealed;
        try {
          sealed = sealExpoSigningKey(
            {
              app: options.app,
              keyId: options.keyId,
              privateKeyPem,
              ...(certificateChain ? { certificateChain } : {}),
            },
            keyEncryptionKey,
          );
        } catch (error) {
          throw new CliError((error as Error).message, { exitCode: EXIT.usage });
        }
        const client = new OSS({
          bucket: config.oss.bucket,
          region: config.oss.region,
          ...(config.oss.endpoint ? { endpoint: config.oss.endpoint } : {}),
          accessKeyId: config.oss.accessKeyId,
          accessKeySecret: config.oss.accessKeySecret,
          ...(config.oss.securityToken ? { stsToken: config.oss.securityToken } : {}),
        });
        const objectKey = storageKeys.expoSigningKey(options.app);
        try {
          await client.put(objectKey, Buffer.from(JSON.stringify(sealed)), { mime: 'application/json' });
        } catch (error) {
          const ossError = error as { code?: string; status?: number };
          throw new CliError(
            `storing oss://${config.oss.bucket}/${objectKey} failed: ${ossError.code ?? 'error'} ${ossError.status ?? ''}`.trim(),
          );
        }
        output.result(
          { app: options.app, keyId: options.keyId, object: objectKey, certificateChain: !!certificateChain },
          () =>
            output.line(
              `stored the Expo signing key of ${options.app} (key id ${options.keyId}, encrypted) at oss://${config.oss.bucket}/${objectKey}; devices get signed answers within the catalog TTL`,
            ),
        );
      },
    );
}
