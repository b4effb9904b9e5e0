import { createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMultipartMixedResponseAsync } from '@expo/multipart-body-parser';
import { parseDictionary } from 'structured-headers';
import { readJson, writeJson } from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import { expoCatalog } from '@hotpatch/core/testing';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

/**
 * `hotpatch expo keygen` then `hotpatch expo key set`: the manifest route signs with the installed key, and the
 * signature verifies against the certificate keygen wrote (what the app embeds). The bucket holds ciphertext only.
 */

let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-cli-expo-'));
const kek = randomBytes(32).toString('base64');

beforeAll(async () => {
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0', HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek },
  });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
});

afterAll(async () => {
  await stack.close();
});

const hotpatch = (extraEnv: Record<string, string>, ...args: string[]): Promise<HotpatchRun> =>
  runHotpatch({ ...env, ...extraEnv }, [...args, '--json']);

it('keygen writes a code-signing key and certificate; key set installs it sealed; manifests verify against the certificate', async () => {
  expect((await hotpatch({}, 'app', 'add', 'shop', '--platforms', 'ios')).code).toBe(0);
  const deployment = { app: 'shop', platform: 'ios' as const, channel: 'production' };
  await writeJson(
    stack.oss.store('hotpatch'),
    storageKeys.catalog(deployment),
    expoCatalog(deployment, [{ runtimeVersion: '1' }]),
  );

  const out = path.join(work, 'code-signing');
  const keygen = await hotpatch(
    {},
    'expo',
    'keygen',
    '--app',
    'shop',
    '--out',
    out,
    '--key-id',
    'main',
    '--validity-years',
    '5',
  );
  expect(keygen.code).toBe(0);
  expect(keygen.json.appJson.updates.codeSigningMetadata).toEqual({ keyid: 'main', alg: 'rsa-v1_5-sha256' });
  const certificatePem = readFileSync(path.join(out, 'certificate.pem'), 'utf8');
  const certificate = new X509Certificate(certificatePem);
  expect(certificate.keyUsage).toContain('1.3.6.1.5.5.7.3.3'); // extended key usage: code signing
  expect(new Date(certificate.validTo).getUTCFullYear()).toBe(new Date().getUTCFullYear() + 5);

  const again = await hotpatch({}, 'expo', 'keygen', '--app', 'shop', '--out', out);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/exists; keygen never overwrites a key/);

  const privateKeyFile = path.join(out, 'private-key.pem');
  const withoutKek = await hotpatch({}, 'expo', 'key', 'set', '--app', 'shop', '--private-key', privateKeyFile);
  expect(withoutKek.code).toBe(1);
  expect(withoutKek.stderr).toMatch(/HOTPATCH_EXPO_KEY_ENCRYPTION_KEY is not set/);

  const set = await hotpatch(
    { HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek },
    'expo',
    'key',
    'set',
    '--app',
    'shop',
    '--private-key',
    privateKeyFile,
  );
  expect(set.code).toBe(0);
  const storedText = JSON.stringify(
    await readJson(stack.oss.store('hotpatch'), storageKeys.expoSigningKey('shop'), (json) => json),
  );
  expect(storedText).toContain('hotpatch-expo-signing-key-1');
  expect(storedText).not.toContain('PRIVATE KEY');
  expect(storedText).not.toContain(readFileSync(privateKeyFile, 'utf8').split('\n')[1]);

  const response = await fetch(`${stack.apiUrl}/v1/expo/shop/manifest`, {
    headers: {
      Accept: 'multipart/mixed',
      'Expo-Platform': 'ios',
      'Expo-Protocol-Version': '1',
      'Expo-Runtime-Version': '1',
      'expo-expect-signature': 'sig, keyid="main", alg="rsa-v1_5-sha256"',
    },
  });
  expect(response.status).toBe(200);
  const [part] = await parseMultipartMixedResponseAsync(
    response.headers.get('content-type')!,
    Buffer.from(await response.arrayBuffer()),
  );
  const signature = parseDictionary(part!.headers.get('expo-signature') as string);
  expect(signature.get('keyid')?.[0]).toBe('main');
  const publicKey = createPublicKey(certificate.publicKey.export({ type: 'spki', format: 'pem' }));
  expect(
    verify('sha256', Buffer.from(part!.body), publicKey, Buffer.from(signature.get('sig')?.[0] as string, 'base64')),
  ).toBe(true);
});

it('refuses a key id that cannot travel in the signature header, with exit code 2', async () => {
  const bad = await hotpatch(
    { HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek },
    'expo',
    'keygen',
    '--app',
    'shop',
    '--out',
    path.join(work, 'x'),
    '--key-id',
    'a"b',
  );
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--key-id/);
});
