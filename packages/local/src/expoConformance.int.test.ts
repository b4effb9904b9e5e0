/**
 * Expo Updates protocol v1 conformance of `GET /v1/expo/:app/manifest`, driven over HTTP against the local stack
 * the way the native expo-updates client drives a server: its request headers (with its casing), strict multipart
 * parsing with Expo's own parser, signature verification with node:crypto against the certificate the app embeds
 * (Expo's MIT test certificates, fixtures/expo/certificates/README.md), asset download and hash check.
 */
import { createHash, createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMultipartMixedResponseAsync, type MultipartPart } from '@expo/multipart-body-parser';
import { parseDictionary } from 'structured-headers';
import { sealExpoSigningKey, writeJson, type ObjectStore } from '@hotpatch/common';
import { storageKeys, type ExpoAsset } from '@hotpatch/core';
import { COHORT, expoCaseId, expoCaseTime, expoCatalog, type ExpoCaseItem } from '@hotpatch/core/testing';
import type { LocalStack } from './createLocalStack';
import { startTestStack } from './testing';

const certificates = path.join(__dirname, '../../../fixtures/expo/certificates');
const testCertificate = readFileSync(path.join(certificates, 'test.pem'), 'utf8');
const testPrivateKey = readFileSync(path.join(certificates, 'test-privateKey.pem'), 'utf8');
const kek = randomBytes(32);
const EMBEDDED = 'eeeeeeee-0000-4000-8000-00000000000e';

let stack: LocalStack;
let store: ObjectStore;
let bundle: ExpoAsset;
let image: ExpoAsset;

/** Stores bytes as `hotpatch release --expo` does: under their SHA-256, with their content type. */
async function storeAsset(bytes: Buffer, key: string, contentType: string, fileExtension: string): Promise<ExpoAsset> {
  const contentKey = storageKeys.expoAsset(createHash('sha256').update(bytes).digest('hex'));
  await store.put(contentKey, bytes, { contentType });
  const hash = createHash('sha256').update(bytes).digest('base64url');
  return { contentKey, hash, key, contentType, fileExtension, size: bytes.length };
}

async function deploy(app: string, items: ExpoCaseItem[], channel = 'production'): Promise<void> {
  const deployment = { app, platform: 'ios' as const, channel };
  const withAssets = items.map((item) =>
    'embeddedRollback' in item ? item : { launchAsset: bundle, assets: [image], ...item },
  );
  await writeJson(store, storageKeys.catalog(deployment), expoCatalog(deployment, withAssets));
}

/** The headers expo-updates 57 sends (Android `createRequestForRemoteUpdate`), with its casing. */
function nativeHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    Accept: 'multipart/mixed,application/expo+json,application/json',
    'Expo-Platform': 'ios',
    'Expo-Protocol-Version': '1',
    'Expo-API-Version': '1',
    'Expo-Updates-Environment': 'BARE',
    'Expo-JSON-Error': 'true',
    'EAS-Client-ID': 'a1b2c3d4-0000-4000-8000-000000000001',
    'Expo-Runtime-Version': '1',
    'Expo-Current-Update-ID': EMBEDDED,
    'Expo-Embedded-Update-ID': EMBEDDED,
    'expo-channel-name': 'production',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const SIGNED = { 'expo-expect-signature': 'sig, keyid="main", alg="rsa-v1_5-sha256"' };

async function manifest(app: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${stack.apiUrl}/v1/expo/${app}/manifest`, { headers });
}

async function parts(response: Response): Promise<MultipartPart[]> {
  expect(response.status).toBe(200);
  return parseMultipartMixedResponseAsync(
    response.headers.get('content-type')!,
    Buffer.from(await response.arrayBuffer()),
  );
}

function partNamed(all: MultipartPart[], name: string): MultipartPart {
  const found = all.find((part) => part.name === name);
  if (!found) throw new Error(`no ${name} part among ${all.map((part) => part.name).join(', ')}`);
  return found;
}

/** What the native client does with `expo-signature` (CodeSigningConfiguration): parse, match keyid, verify. */
function verifySigned(body: string, signatureHeader: string | string[] | undefined | null, certificate: string): void {
  expect(typeof signatureHeader).toBe('string');
  const dictionary = parseDictionary(signatureHeader as string);
  expect(dictionary.get('keyid')?.[0]).toBe('main');
  expect(dictionary.get('alg')?.[0]).toBe('rsa-v1_5-sha256');
  const signature = Buffer.from(dictionary.get('sig')?.[0] as string, 'base64');
  const publicKey = createPublicKey(new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'pem' }));
  expect(verify('sha256', Buffer.from(body, 'utf8'), publicKey, signature)).toBe(true);
}

beforeAll(async () => {
  stack = await startTestStack({ functionEnv: { HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek.toString('base64') } });
  store = stack.oss.store('hotpatch');
  bundle = await storeAsset(Buffer.from('console.log("hello");\n'), 'bundle-1', 'application/javascript', '.bundle');
  image = await storeAsset(randomBytes(512), '4f1cb2cac2370cd5050681232e8575a8', 'image/png', '.png');
  for (const app of ['shop', 'chained', 'unsigned']) await stack.registry.create({ name: app, platforms: ['ios'] });
  // shop signs with Expo's test key, no chain; chained also sends the certificate chain; unsigned has no key.
  await writeJson(
    store,
    storageKeys.expoSigningKey('shop'),
    sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem: testPrivateKey }, kek),
  );
  await writeJson(
    store,
    storageKeys.expoSigningKey('chained'),
    sealExpoSigningKey(
      { app: 'chained', keyId: 'main', privateKeyPem: testPrivateKey, certificateChain: testCertificate },
      kek,
    ),
  );
  await deploy('shop', [{ runtimeVersion: '1' }, { runtimeVersion: '1', rollout: 50 }]);
  await deploy('chained', [{ runtimeVersion: '1' }]);
  await deploy('unsigned', [{ runtimeVersion: '1' }]);
  await deploy('unsigned', [{ runtimeVersion: '1' }, { embeddedRollback: true }], 'staging');
});

afterAll(async () => {
  await stack.close();
});

describe('the Expo manifest route, as the native client sees it', () => {
  it('answers a signed multipart manifest: protocol headers, strict framing, a signature that verifies', async () => {
    const response = await manifest('shop', nativeHeaders({ ...SIGNED, 'EAS-Client-ID': COHORT.bucket95 }));
    expect(response.headers.get('expo-protocol-version')).toBe('1');
    expect(response.headers.get('expo-sfv-version')).toBe('0');
    expect(response.headers.get('cache-control')).toBe('private, max-age=0');
    const contentType = response.headers.get('content-type')!;
    expect(contentType).toMatch(/^multipart\/mixed; boundary=[A-Za-z0-9-]+$/);
    const raw = Buffer.from(await response.clone().arrayBuffer()).toString('utf8');
    const boundary = contentType.split('boundary=')[1]!;
    // RFC 2046 framing with CRLF, lower-case part headers, and the close delimiter last.
    expect(raw.startsWith(`--${boundary}\r\ncontent-type: application/json; charset=utf-8\r\n`)).toBe(true);
    expect(raw.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/\n/);

    const all = await parts(response);
    expect(all.map((part) => part.name)).toEqual(['manifest']);
    const part = partNamed(all, 'manifest');
    verifySigned(part.body, part.headers.get('expo-signature'), testCertificate);
    const body = JSON.parse(part.body) as {
      id: string;
      createdAt: string;
      runtimeVersion: string;
      launchAsset: { hash: string; key: string; contentType: string; url: string; fileExtension?: string };
      assets: { hash: string; key: string; contentType: string; url: string; fileExtension?: string }[];
      metadata: Record<string, string>;
      extra: { expoClient?: unknown };
    };
    // Outside the 50 % rollout of update 2: update 1.
    expect(body).toMatchObject({ id: expoCaseId(1), createdAt: expoCaseTime(1), runtimeVersion: '1', metadata: {} });
    expect(body.extra.expoClient).toEqual({ name: 'shop', slug: 'shop' });
    expect(body.launchAsset.fileExtension).toBeUndefined();
    expect(body.assets).toHaveLength(1);
    expect(body.assets[0]).toMatchObject({ key: image.key, contentType: 'image/png', fileExtension: '.png' });

    // Every asset downloads, anonymously, with the declared content type and the declared hash.
    for (const asset of [body.launchAsset, ...body.assets]) {
      const download = await fetch(asset.url, { headers: { Accept: '*/*', 'Expo-Platform': 'ios' } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe(asset.contentType);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('base64url')).toBe(asset.hash);
    }
    expect(body.launchAsset.hash).toBe('-URFENx0A-QQSd6xM_aJKqamPAVZGytZ5O5bI017vZk');
  });

  it('keeps a device in its rollout cohort: the same eas-client-id gets the same update every time', async () => {
    const idFor = async (clientId: string): Promise<string> => {
      const all = await parts(await manifest('shop', nativeHeaders({ 'EAS-Client-ID': clientId })));
      return (JSON.parse(partNamed(all, 'manifest').body) as { id: string }).id;
    };
    expect(await idFor(COHORT.bucket5)).toBe(expoCaseId(2));
    expect(await idFor(COHORT.bucket5)).toBe(expoCaseId(2));
    expect(await idFor(COHORT.bucket95)).toBe(expoCaseId(1));
    expect(await idFor(COHORT.bucket95)).toBe(expoCaseId(1));
  });

  it('sends the certificate_chain part when the app has one, and the leaf verifies the signature', async () => {
    const all = await parts(await manifest('chained', nativeHeaders(SIGNED)));
    expect(all.map((part) => part.name)).toEqual(['manifest', 'certificate_chain']);
    const chain = partNamed(all, 'certificate_chain').body;
    expect(chain).toBe(testCertificate);
    const part = partNamed(all, 'manifest');
    verifySigned(part.body, part.headers.get('expo-signature'), chain);
  });

  it('answers a signed noUpdateAvailable directive to a device already on the newest update (ids in any case)', async () => {
    const all = await parts(
      await manifest('chained', nativeHeaders({ ...SIGNED, 'Expo-Current-Update-ID': expoCaseId(1).toUpperCase() })),
    );
    const directive = partNamed(all, 'directive');
    expect(JSON.parse(directive.body)).toEqual({ type: 'noUpdateAvailable' });
    verifySigned(directive.body, directive.headers.get('expo-signature'), testCertificate);
  });

  it('answers rollBackToEmbedded with the rollback time, then noUpdateAvailable once the device runs the embedded update', async () => {
    const onUpdate = nativeHeaders({ 'expo-channel-name': 'staging', 'Expo-Current-Update-ID': expoCaseId(1) });
    const rollback = partNamed(await parts(await manifest('unsigned', onUpdate)), 'directive');
    expect(JSON.parse(rollback.body)).toEqual({
      type: 'rollBackToEmbedded',
      parameters: { commitTime: expoCaseTime(2) },
    });
    const onEmbedded = nativeHeaders({ 'expo-channel-name': 'staging' });
    expect(JSON.parse(partNamed(await parts(await manifest('unsigned', onEmbedded)), 'directive').body)).toEqual({
      type: 'noUpdateAvailable',
    });
  });

  it('answers a JSON manifest alone (signature on the response) when only JSON is accepted', async () => {
    const response = await manifest('shop', nativeHeaders({ ...SIGNED, Accept: 'application/expo+json' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/expo+json; charset=utf-8');
    const body = await response.text();
    expect((JSON.parse(body) as { id: string }).id).toBe(expoCaseId(1));
    verifySigned(body, response.headers.get('expo-signature'), testCertificate);
  });

  it('answers protocol 0 with the manifest only: the current update again, and 204 for a rollback', async () => {
    const again = await manifest(
      'chained',
      nativeHeaders({
        'Expo-Protocol-Version': '0',
        Accept: 'application/expo+json,application/json',
        'Expo-Current-Update-ID': expoCaseId(1),
      }),
    );
    expect(again.status).toBe(200);
    expect((JSON.parse(await again.text()) as { id: string }).id).toBe(expoCaseId(1));
    const rollback = await manifest(
      'unsigned',
      nativeHeaders({
        'Expo-Protocol-Version': undefined,
        'expo-channel-name': 'staging',
        'Expo-Current-Update-ID': expoCaseId(1),
      }),
    );
    expect(rollback.status).toBe(204);
    expect(rollback.headers.get('expo-protocol-version')).toBe('1');
    expect(await rollback.text()).toBe('');
  });

  it.each([
    ['nothing acceptable', 'shop', { Accept: 'text/html' }, /Accept must allow/],
    [
      'a directive to a device that accepts JSON only',
      'unsigned',
      { Accept: 'application/json', 'expo-channel-name': 'staging' },
      /only multipart\/mixed can carry/,
    ],
  ])('406 JSON error: %s', async (_name, app, overrides, message) => {
    const response = await manifest(app, nativeHeaders(overrides));
    expect(response.status).toBe(406);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NotAcceptable');
    expect(body.error.message).toMatch(message);
  });

  it.each([
    ['expo-platform missing', { 'Expo-Platform': undefined }, 'expo-platform'],
    ['expo-platform not ios or android', { 'Expo-Platform': 'web' }, 'expo-platform'],
    ['expo-runtime-version missing', { 'Expo-Runtime-Version': undefined }, 'expo-runtime-version'],
    ['an unsupported protocol version', { 'Expo-Protocol-Version': '2' }, 'expo-protocol-version'],
    ['a malformed current update id', { 'Expo-Current-Update-ID': 'not-a-uuid' }, 'expo-current-update-id'],
    ['a malformed embedded update id', { 'Expo-Embedded-Update-ID': '1234' }, 'expo-embedded-update-id'],
    ['a malformed expo-expect-signature', { 'expo-expect-signature': 'sig=,,' }, 'expo-expect-signature'],
    ['an unsupported signature algorithm', { 'expo-expect-signature': 'sig, alg="ecdsa"' }, 'expo-expect-signature'],
    [
      'another key id than the app signs with',
      { 'expo-expect-signature': 'sig, keyid="root"' },
      'expo-expect-signature',
    ],
    ['a malformed channel name', { 'expo-channel-name': '../x' }, 'expo-channel-name'],
  ])('400 naming the header: %s', async (_name, overrides, parameter) => {
    const response = await manifest('shop', nativeHeaders(overrides));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; parameter?: string } };
    expect(body.error).toMatchObject({ code: 'BadRequest', parameter });
  });

  it('refuses to answer a device that expects signatures for an app with no signing key: a 400 it shows, never unsigned', async () => {
    const response = await manifest('unsigned', nativeHeaders(SIGNED));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; parameter: string } };
    expect(body.error.parameter).toBe('expo-expect-signature');
    expect(body.error.message).toMatch(/has no Expo code-signing key/);
  });

  it.each([
    ['an unknown app', 'nope', {}],
    ['an unknown channel', 'shop', { 'expo-channel-name': 'beta' }],
    ['a platform the app does not have', 'shop', { 'Expo-Platform': 'android' }],
  ])('404 for %s, in the words of the other public routes', async (_name, app, overrides) => {
    const response = await manifest(app, nativeHeaders(overrides));
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NotFound');
    expect(body.error.message).toMatch(/^no deployment for app /);
  });

  it('uses the production channel when the device sends no expo-channel-name', async () => {
    const all = await parts(await manifest('chained', nativeHeaders({ 'expo-channel-name': undefined })));
    expect((JSON.parse(partNamed(all, 'manifest').body) as { id: string }).id).toBe(expoCaseId(1));
  });
});
