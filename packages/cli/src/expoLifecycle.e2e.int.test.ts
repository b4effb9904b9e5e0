/**
 * Issue 12's end-to-end proof on the local stack, only through the CLI and HTTP as a device sees them: an Expo
 * export is released with `hotpatch release --expo`, an expo-updates device asks for its manifest exactly as the
 * native client does (its header set and casing, over plain node:http), downloads and verifies every asset,
 * verifies signatures against the certificate `hotpatch expo keygen` wrote, lands in a stable rollout cohort,
 * follows a promotion, a rollback to the embedded bundle and the release that supersedes it.
 */
import { createHash, createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMultipartMixedResponseAsync, type MultipartPart } from '@expo/multipart-body-parser';
import { parseDictionary } from 'structured-headers';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { EXIT } from './runCli';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'fixtures', 'expo');
const APP = 'lifecycle';
const RUNTIME = '1.0.0';
/** The id expo-updates gives the update embedded in the binary (any UUID the server has never issued). */
const EMBEDDED = '0e1b2c3d-0000-4000-8000-00000000e0b0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-expo-lifecycle-'));
const kek = randomBytes(32).toString('base64');
const hotpatch = (...args: string[]): Promise<HotpatchRun> => runHotpatch(env, args);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with exactly these header names (node:http keeps their casing on the wire, as the native client sends). */
function get(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        // Redirects are followed with the same headers, as OkHttp and NSURLSession do (the launch asset's route
        // redirects to its content URL when it sends no patch).
        const location = response.headers.location;
        if (response.statusCode === 302 && location) return void get(location, headers).then(resolve, reject);
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

interface Device {
  platform: 'ios' | 'android';
  clientId: string;
  /** The update it runs: its embedded one until it applies a manifest. */
  currentUpdateId: string;
  /** Its app.json `updates.requestHeaders['expo-channel-name']`. */
  channel: string;
  /** Built with `codeSigningCertificate` + `codeSigningMetadata`. */
  signed: boolean;
}

/** The headers expo-updates 57 sends for a manifest (Android `createRequestForRemoteUpdate`), in its casing. */
function manifestHeaders(device: Device): Record<string, string> {
  return {
    Accept: 'multipart/mixed,application/expo+json,application/json',
    'Expo-Platform': device.platform,
    'Expo-Protocol-Version': '1',
    'Expo-API-Version': '1',
    'Expo-Updates-Environment': 'BARE',
    'Expo-JSON-Error': 'true',
    'EAS-Client-ID': device.clientId,
    'Expo-Runtime-Version': RUNTIME,
    'Expo-Current-Update-ID': device.currentUpdateId,
    'Expo-Embedded-Update-ID': EMBEDDED,
    'expo-channel-name': device.channel,
    ...(device.signed ? { 'expo-expect-signature': 'sig, keyid="main", alg="rsa-v1_5-sha256"' } : {}),
  };
}

interface ExpoManifest {
  id: string;
  createdAt: string;
  runtimeVersion: string;
  launchAsset: { hash: string; key: string; contentType: string; url: string };
  assets: { hash: string; key: string; contentType: string; fileExtension: string; url: string }[];
  metadata: Record<string, unknown>;
  extra: { expoClient?: Record<string, unknown> };
}
type Directive = { type: 'noUpdateAvailable' } | { type: 'rollBackToEmbedded'; parameters: { commitTime: string } };
type Outcome = { manifest: ExpoManifest; part: MultipartPart } | { directive: Directive; part: MultipartPart };

let certificate: X509Certificate | undefined;

/** Checks a part's `expo-signature` against the certificate the app embeds, as the client does. */
function expectSignedByCertificate(part: MultipartPart): void {
  const header = part.headers.get('expo-signature');
  expect(typeof header).toBe('string');
  const signature = parseDictionary(header as string);
  expect(signature.get('keyid')?.[0]).toBe('main');
  expect(signature.get('alg')?.[0]).toBe('rsa-v1_5-sha256');
  const publicKey = createPublicKey(certificate!.publicKey.export({ type: 'spki', format: 'pem' }));
  const sig = Buffer.from(signature.get('sig')?.[0] as string, 'base64');
  expect(verify('sha256', Buffer.from(part.body), publicKey, sig)).toBe(true);
}

/** One update check: the manifest request, protocol headers checked, the body parsed as expo-updates parses it. */
async function check(device: Device): Promise<Outcome> {
  const answer = await get(`${stack.apiUrl}/v1/expo/${APP}/manifest`, manifestHeaders(device));
  if (answer.status !== 200) throw new Error(`manifest ${answer.status}: ${answer.body.toString()}`);
  expect(answer.headers['expo-protocol-version']).toBe('1');
  expect(answer.headers['expo-sfv-version']).toBe('0');
  expect(answer.headers['cache-control']).toBe('private, max-age=0');
  const contentType = answer.headers['content-type'] as string;
  expect(contentType).toMatch(/^multipart\/mixed; boundary=/);
  const parts = await parseMultipartMixedResponseAsync(contentType, answer.body);
  const [part, ...rest] = parts.filter((each) => each.headers.get('content-disposition')?.includes('name="'));
  expect(rest.map((each) => each.headers.get('content-disposition'))).toEqual(
    device.signed && rest.length > 0 ? [expect.stringContaining('certificate_chain')] : [],
  );
  expect(part).toBeDefined();
  if (device.signed) expectSignedByCertificate(part!);
  else expect(part!.headers.get('expo-signature')).toBeUndefined();
  const disposition = part!.headers.get('content-disposition') as string;
  const json = JSON.parse(part!.body) as unknown;
  if (disposition === 'inline; name="manifest"') return { manifest: json as ExpoManifest, part: part! };
  expect(disposition).toBe('inline; name="directive"');
  return { directive: json as Directive, part: part! };
}

function manifestOf(outcome: Outcome): ExpoManifest {
  if (!('manifest' in outcome)) throw new Error(`expected a manifest, got ${JSON.stringify(outcome.directive)}`);
  return outcome.manifest;
}
function directiveOf(outcome: Outcome): Directive {
  if (!('directive' in outcome)) throw new Error(`expected a directive, got manifest ${outcome.manifest.id}`);
  return outcome.directive;
}

/** Downloads every file of a manifest with the client's asset headers and checks it as expo-updates does. */
async function downloadAll(device: Device, manifest: ExpoManifest): Promise<void> {
  for (const asset of [manifest.launchAsset, ...manifest.assets]) {
    const answer = await get(asset.url, {
      Accept: '*/*',
      'Expo-Platform': device.platform,
      'Expo-Protocol-Version': '1',
      'Expo-API-Version': '1',
      'Expo-Updates-Environment': 'BARE',
      'EAS-Client-ID': device.clientId,
      'Expo-Runtime-Version': RUNTIME,
      'Expo-Current-Update-ID': device.currentUpdateId,
      'Expo-Embedded-Update-ID': EMBEDDED,
      'Expo-Requested-Update-ID': manifest.id,
      'expo-channel-name': device.channel,
    });
    expect([asset.key, answer.status]).toEqual([asset.key, 200]);
    expect([asset.key, answer.headers['content-type']]).toEqual([asset.key, asset.contentType]);
    expect([asset.key, createHash('sha256').update(answer.body).digest('base64url')]).toEqual([asset.key, asset.hash]);
  }
}

/** A copy of the fixture export whose bundles differ from the fixture's by a comment (a new update). */
function changedExport(name: string): string {
  const folder = path.join(work, name);
  cpSync(path.join(FIXTURE, 'dist'), folder, { recursive: true });
  const { fileMetadata } = JSON.parse(readFileSync(path.join(folder, 'metadata.json'), 'utf8')) as {
    fileMetadata: Record<string, { bundle: string }>;
  };
  for (const { bundle } of Object.values(fileMetadata))
    writeFileSync(path.join(folder, bundle), `${readFileSync(path.join(folder, bundle), 'utf8')}// ${name}\n`);
  return folder;
}

/** A stable per-install id, as expo-updates generates once (a UUID); deterministic so the cohort split is. */
function installId(index: number): string {
  const hex = createHash('sha256').update(`install-${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const device = (overrides: Partial<Device> = {}): Device => ({
  platform: 'ios',
  clientId: installId(0),
  currentUpdateId: EMBEDDED,
  channel: 'staging',
  signed: false,
  ...overrides,
});

let appConfig: { expo: Record<string, unknown> & { updates: Record<string, unknown> } };
let appJsonFile: string;

beforeAll(async () => {
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0', HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek },
  });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
  expect((await hotpatch('app', 'add', APP, '--platforms', 'ios,android')).code).toBe(EXIT.ok);
  // The app's app.json as its developer writes it: updates.url on this stack, the staging channel header.
  appConfig = JSON.parse(readFileSync(path.join(FIXTURE, 'app.json'), 'utf8')) as typeof appConfig;
  appConfig.expo.updates.url = `${stack.apiUrl}/v1/expo/${APP}/manifest`;
  appJsonFile = path.join(work, 'app.json');
  writeFileSync(appJsonFile, JSON.stringify(appConfig, null, 2));
});

afterAll(async () => {
  await stack.close();
  rmSync(work, { recursive: true, force: true });
});

describe('an Expo app over its whole life on hotpatch, as its devices see it', () => {
  const v1: Record<string, string> = {};
  let v2 = '';
  let v2Bundle = '';
  let v2CreatedAt = '';
  let v2Install = -1;
  let v1Bundle = '';
  let promoted = '';

  it('release --expo to staging: each platform gets a manifest for its own update, with the app config', async () => {
    const released = await hotpatch(
      'release',
      '--expo',
      path.join(FIXTURE, 'dist'),
      '--app',
      APP,
      '--runtime-version',
      RUNTIME,
      '--expo-config',
      appJsonFile,
      '--json',
    );
    expect(released.stderr).toBe('');
    expect(released.code).toBe(EXIT.ok);
    const releases = released.json.releases as { id: string; release: { platform: string } }[];
    for (const { id, release } of releases) v1[release.platform] = id;

    for (const platform of ['ios', 'android'] as const) {
      const phone = device({ platform });
      const manifest = manifestOf(await check(phone));
      expect(manifest.id).toBe(v1[platform]);
      expect(manifest.id).toMatch(UUID);
      expect(manifest.runtimeVersion).toBe(RUNTIME);
      expect(new Date(manifest.createdAt).toISOString()).toBe(manifest.createdAt);
      // createdAt is the release's, as history shows it (the client keeps the newest createdAt).
      const history = await hotpatch('history', '--app', APP, '--platform', platform, '--channel', 'staging', '--json');
      expect(history.json.releases[0]).toMatchObject({ label: 'v1', createdAt: manifest.createdAt });
      // Constants.expoConfig in the update is the app config given at release.
      expect(manifest.extra.expoClient).toEqual(appConfig.expo);
      expect(manifest.launchAsset.contentType).toBe('application/javascript');
      if (platform === 'ios') v1Bundle = manifest.launchAsset.hash;
      expect(manifest.assets.map((asset) => asset.contentType).sort()).toEqual(['font/ttf', 'image/png']);
      await downloadAll(phone, manifest);
      // Having applied it, the device is up to date.
      expect(directiveOf(await check({ ...phone, currentUpdateId: manifest.id }))).toEqual({
        type: 'noUpdateAvailable',
      });
    }
  });

  it('keygen + key set: a device built with the certificate verifies every manifest and directive', async () => {
    const out = path.join(work, 'code-signing');
    expect((await hotpatch('expo', 'keygen', '--app', APP, '--out', out)).code).toBe(EXIT.ok);
    certificate = new X509Certificate(readFileSync(path.join(out, 'certificate.pem'), 'utf8'));
    const signedDevice = device({ signed: true });
    // Before the key is installed, a device that expects a signature is refused, never sent an unsigned manifest.
    const unsigned = await get(`${stack.apiUrl}/v1/expo/${APP}/manifest`, manifestHeaders(signedDevice));
    expect(unsigned.status).toBe(400);
    expect(JSON.parse(unsigned.body.toString())).toMatchObject({ error: { parameter: 'expo-expect-signature' } });

    const set = await runHotpatch({ ...env, HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek }, [
      'expo',
      'key',
      'set',
      '--app',
      APP,
      '--private-key',
      path.join(out, 'private-key.pem'),
    ]);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(EXIT.ok);
    expect(manifestOf(await check(signedDevice)).id).toBe(v1.ios);
    expect(directiveOf(await check({ ...signedDevice, currentUpdateId: v1.ios! }))).toEqual({
      type: 'noUpdateAvailable',
    });
  });

  it('release v2 at --rollout 30: about 30 % of 200 installs on v1 get it, each always the same answer', async () => {
    const released = await hotpatch(
      'release',
      '--expo',
      changedExport('v2'),
      '--app',
      APP,
      '--platform',
      'ios',
      '--runtime-version',
      RUNTIME,
      '--expo-config',
      appJsonFile,
      '--rollout',
      '30',
      '--json',
    );
    expect(released.code).toBe(EXIT.ok);
    v2 = released.json.releases[0].id as string;
    expect(v2).toMatch(UUID);

    const answers: string[] = [];
    for (let index = 0; index < 200; index++) {
      const phone = device({ clientId: installId(index), currentUpdateId: v1.ios!, signed: index % 2 === 0 });
      const first = await check(phone);
      const summary = 'manifest' in first ? first.manifest.id : first.directive.type;
      if ('manifest' in first) {
        v2Bundle = first.manifest.launchAsset.hash;
        v2CreatedAt = first.manifest.createdAt;
        v2Install = index;
      }
      expect([summary]).toContainEqual(expect.stringMatching(new RegExp(`^(${v2}|noUpdateAvailable)$`)));
      const second = await check(phone);
      expect(['manifest' in second ? second.manifest.id : second.directive.type, phone.clientId]).toEqual([
        summary,
        phone.clientId,
      ]);
      answers.push(summary);
    }
    const updated = answers.filter((answer) => answer === v2).length;
    expect(updated).toBeGreaterThanOrEqual(40);
    expect(updated).toBeLessThanOrEqual(80);
    // An install outside the rollout that still runs its embedded bundle gets v1, the newest it may have.
    const outside = answers.findIndex((answer) => answer !== v2);
    expect(manifestOf(await check(device({ clientId: installId(outside) }))).id).toBe(v1.ios);
  });

  it('promote to production: production devices get the promoted update under a new id', async () => {
    const production = device({ channel: 'production', signed: true });
    expect(directiveOf(await check(production))).toEqual({ type: 'noUpdateAvailable' });
    const answer = await hotpatch(
      'promote',
      '--app',
      APP,
      '--platform',
      'ios',
      '--from',
      'staging',
      '--to',
      'production',
      '--rollout',
      '100',
      '--json',
    );
    expect(answer.stderr).toBe('');
    expect(answer.code).toBe(EXIT.ok);
    const manifest = manifestOf(await check(production));
    promoted = manifest.id;
    expect(promoted).toMatch(UUID);
    expect(promoted).not.toBe(v2);
    expect(manifest.launchAsset.hash).toBe(v2Bundle);
    await downloadAll(production, manifest);
    expect(directiveOf(await check({ ...production, currentUpdateId: promoted }))).toEqual({
      type: 'noUpdateAvailable',
    });
  });

  it('rollback --embedded: devices on the update are told to roll back (signed); embedded ones stay put', async () => {
    const rolled = await hotpatch(
      'rollback',
      '--embedded',
      '--app',
      APP,
      '--platform',
      'ios',
      '--channel',
      'production',
      '--runtime-version',
      RUNTIME,
      '--json',
    );
    expect(rolled.stderr).toBe('');
    expect(rolled.code).toBe(EXIT.ok);
    const onUpdate = device({ channel: 'production', signed: true, currentUpdateId: promoted });
    expect(directiveOf(await check(onUpdate))).toEqual({
      type: 'rollBackToEmbedded',
      parameters: { commitTime: rolled.json.embeddedRollback.at },
    });
    expect(directiveOf(await check({ ...onUpdate, signed: false }))).toMatchObject({ type: 'rollBackToEmbedded' });
    expect(directiveOf(await check({ ...onUpdate, currentUpdateId: EMBEDDED }))).toEqual({
      type: 'noUpdateAvailable',
    });
    // Staging is untouched.
    expect(manifestOf(await check(device())).id).toBe(v1.ios);
  });

  it('a new release to production supersedes the rollback', async () => {
    const released = await hotpatch(
      'release',
      '--expo',
      changedExport('v3'),
      '--app',
      APP,
      '--platform',
      'ios',
      '--channel',
      'production',
      '--runtime-version',
      RUNTIME,
      '--expo-config',
      appJsonFile,
      '--json',
    );
    expect(released.stderr).toBe('');
    expect(released.code).toBe(EXIT.ok);
    const v3 = released.json.releases[0].id as string;
    for (const currentUpdateId of [EMBEDDED, promoted]) {
      const phone = device({ channel: 'production', signed: true, currentUpdateId });
      const manifest = manifestOf(await check(phone));
      expect(manifest.id).toBe(v3);
      await downloadAll(phone, manifest);
    }
  });

  it('rollback on staging: a device on v2 gets v1 again under a new id, newer than v2 (clients keep the newest)', async () => {
    const rolled = await hotpatch('rollback', '--app', APP, '--platform', 'ios', '--channel', 'staging', '--json');
    expect([rolled.code, rolled.stderr]).toEqual([EXIT.ok, '']);
    const onV2 = device({ clientId: installId(v2Install), currentUpdateId: v2, signed: true });
    const manifest = manifestOf(await check(onV2));
    expect(manifest.id).toMatch(UUID);
    expect([v1.ios, v2]).not.toContain(manifest.id);
    expect(manifest.launchAsset.hash).toBe(v1Bundle);
    expect(Date.parse(manifest.createdAt)).toBeGreaterThan(Date.parse(v2CreatedAt));
  });
});

describe('what a misconfigured build sees (docs/troubleshooting.md §10)', () => {
  const refusal = async (headers: Record<string, string>): Promise<[number, unknown]> => {
    const answer = await get(`${stack.apiUrl}/v1/expo/${APP}/manifest`, headers);
    return [answer.status, JSON.parse(answer.body.toString())];
  };

  it('a build whose codeSigningMetadata.keyid differs from the installed key id: 400 naming both', async () => {
    const headers = manifestHeaders(device({ signed: true }));
    headers['expo-expect-signature'] = 'sig, keyid="root", alg="rsa-v1_5-sha256"';
    expect(await refusal(headers)).toEqual([
      400,
      {
        error: {
          code: 'BadRequest',
          message: `this build expects key id "root", app "${APP}" signs with "main"`,
          parameter: 'expo-expect-signature',
        },
      },
    ]);
  });

  it('a build of another runtime version: noUpdateAvailable, although its channel has updates', async () => {
    const headers = manifestHeaders(device());
    headers['Expo-Runtime-Version'] = '2.0.0';
    const answer = await get(`${stack.apiUrl}/v1/expo/${APP}/manifest`, headers);
    const [part] = await parseMultipartMixedResponseAsync(answer.headers['content-type'] as string, answer.body);
    expect(JSON.parse(part!.body)).toEqual({ type: 'noUpdateAvailable' });
  });

  it('a build without the channel header follows production; a misspelt channel is a 404 naming it', async () => {
    const headers = manifestHeaders(device({ channel: 'production' }));
    const withHeader = manifestOf(await check(device({ channel: 'production' })));
    delete headers['expo-channel-name'];
    const answer = await get(`${stack.apiUrl}/v1/expo/${APP}/manifest`, headers);
    const [part] = await parseMultipartMixedResponseAsync(answer.headers['content-type'] as string, answer.body);
    expect((JSON.parse(part!.body) as ExpoManifest).id).toBe(withHeader.id);
    expect(await refusal({ ...headers, 'expo-channel-name': 'stagign' })).toEqual([
      404,
      {
        error: expect.objectContaining({
          message: `no deployment for app "${APP}", platform "ios", channel "stagign"`,
        }),
      },
    ]);
  });
});
