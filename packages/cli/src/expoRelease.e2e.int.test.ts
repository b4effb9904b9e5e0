import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readJson } from '@hotpatch/common';
import { parseCatalog, storageKeys, type Catalog, type DeploymentRef } from '@hotpatch/core';
import { DEV_CREDENTIALS, type LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import OSS from 'ali-oss';
import { packageExpoPlatform, readExpoExport } from './packageExpoExport';
import { EXIT } from './runCli';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'fixtures', 'expo');
const RUNTIME = '1.0.0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-expo-'));
const hotpatch = (...args: string[]): Promise<HotpatchRun> => runHotpatch(env, args);

const deployment = (platform: 'ios' | 'android', channel: string): DeploymentRef => ({
  app: 'expoapp',
  platform,
  channel,
});
async function catalog(platform: 'ios' | 'android', channel: string): Promise<Catalog | null> {
  return readJson(stack.oss.store(stack.bucket), storageKeys.catalog(deployment(platform, channel)), parseCatalog);
}

/** Every object key in the bucket under a prefix (to prove a refused release wrote nothing). */
async function keysUnder(prefix: string): Promise<string[]> {
  return (await stack.oss.store(stack.bucket).list({ prefix })).objects.map((object) => object.key);
}

/** A copy of the fixture export that a test may break. */
function exportCopy(name: string): string {
  const folder = path.join(work, name);
  cpSync(path.join(FIXTURE, 'dist'), folder, { recursive: true });
  return folder;
}

const metadata = JSON.parse(readFileSync(path.join(FIXTURE, 'dist', 'metadata.json'), 'utf8')) as {
  fileMetadata: Record<'ios' | 'android', { bundle: string; assets: { path: string; ext: string }[] }>;
};

beforeAll(async () => {
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' },
  });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
  expect((await hotpatch('app', 'add', 'expoapp', '--platforms', 'ios,android')).code).toBe(0);
});

afterAll(async () => {
  await stack.close();
  rmSync(work, { recursive: true, force: true });
});

describe('Expo: npx expo export output → hotpatch release --expo → releases, assets, promote, embedded rollback', () => {
  const ids: Record<string, string> = {};

  it('releases both platforms of the export to staging and prints each label and update id', async () => {
    const released = await hotpatch(
      'release',
      '--expo',
      path.join(FIXTURE, 'dist'),
      '--app',
      'expoapp',
      '--runtime-version',
      RUNTIME,
      '--expo-config',
      path.join(FIXTURE, 'app.json'),
      '--message',
      'first Expo update',
      '--json',
    );
    expect(released.stderr).toBe('');
    expect(released.code).toBe(EXIT.ok);
    const outcomes = released.json.releases as {
      status: string;
      id: string;
      release: { platform: string; channel: string; label: string };
    }[];
    expect(outcomes.map((outcome) => [outcome.status, outcome.release.platform, outcome.release.label])).toEqual([
      ['accepted', 'ios', 'v1'],
      ['accepted', 'android', 'v1'],
    ]);
    for (const outcome of outcomes) {
      expect(outcome.id).toMatch(UUID);
      expect(outcome.release.channel).toBe('staging');
      ids[outcome.release.platform] = outcome.id;
    }
    expect(ids.ios).not.toBe(ids.android);

    const human = await hotpatch('history', '--app', 'expoapp', '--platform', 'ios', '--channel', 'staging');
    expect(human.stdout).toContain(`v1 for runtime version ${RUNTIME}: Expo update ${ids.ios}`);
    expect(human.stdout).toContain('"first Expo update"');
  });

  it('records Expo releases with the runtime version, the id, every asset and the app config', async () => {
    const appConfig = (JSON.parse(readFileSync(path.join(FIXTURE, 'app.json'), 'utf8')) as { expo: unknown }).expo;
    for (const platform of ['ios', 'android'] as const) {
      const release = (await catalog(platform, 'staging'))!.releases[0]!;
      const files = metadata.fileMetadata[platform];
      expect(release).toMatchObject({ label: 'v1', description: 'first Expo update', rollout: 100, disabled: false });
      expect(release.diffs).toBeUndefined();
      expect(release.expo).toMatchObject({
        id: ids[platform],
        runtimeVersion: RUNTIME,
        metadata: {},
        extra: { expoClient: appConfig },
        launchAsset: {
          contentType: 'application/javascript',
          key: path.basename(files.bundle).replace(/\.[^.]+$/, ''),
          fileExtension: platform === 'ios' ? '.bundle' : '.hbc',
        },
      });
      expect(release.expo!.assets.map((asset) => [asset.key, asset.fileExtension, asset.contentType])).toEqual(
        files.assets.map((asset) => [
          path.basename(asset.path),
          `.${asset.ext}`,
          asset.ext === 'png' ? 'image/png' : 'font/ttf',
        ]),
      );
    }
  });

  it('serves every asset anonymously from its public URL, with its content type, bytes hashing to its hash', async () => {
    for (const platform of ['ios', 'android'] as const) {
      const { expo } = (await catalog(platform, 'staging'))!.releases[0]!;
      for (const asset of [expo!.launchAsset, ...expo!.assets]) {
        expect(asset.contentKey).toMatch(/^assets\/[0-9a-f]{64}$/);
        const response = await fetch(`${stack.ossUrl}/${stack.bucket}/${asset.contentKey}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(asset.contentType);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('base64url')).toBe(asset.hash);
        expect(bytes.length).toBe(asset.size);
      }
    }
  });

  it('never offers an Expo release to CodePush update_check or /v1/check', async () => {
    const app = (await stack.registry.get('expoapp'))!;
    const check = await fetch(
      `${stack.apiUrl}/v1/check?app=expoapp&platform=ios&channel=staging&appVersion=1.0.0&clientId=device-1`,
    );
    expect(await check.json()).toEqual({ status: 'upToDate' });
    const query = new URLSearchParams({
      deployment_key: app.channels.staging!.deploymentKeys.ios!,
      app_version: '1.0.0',
      client_unique_id: 'device-1',
    });
    const codePush = (await (
      await fetch(`${stack.apiUrl}/v0.1/public/codepush/update_check?${query.toString()}`)
    ).json()) as { update_info: { is_available: boolean } };
    expect(codePush.update_info.is_available).toBe(false);
  });

  it('refuses the same export again for the same runtime version, naming the release it repeats', async () => {
    const again = await hotpatch(
      'release',
      '--expo',
      path.join(FIXTURE, 'dist'),
      '--app',
      'expoapp',
      '--platform',
      'ios',
      '--runtime-version',
      RUNTIME,
    );
    expect(again.code).toBe(EXIT.failed);
    expect(again.stderr).toContain(`identical to release v1 of expoapp/ios/staging for runtime version ${RUNTIME}`);
    expect((await catalog('ios', 'staging'))!.releases).toHaveLength(1);
  });

  it('promotes to production as a new update id with the same runtime version and content', async () => {
    const promoted = await hotpatch(
      'promote',
      '--app',
      'expoapp',
      '--platform',
      'ios',
      '--from',
      'staging',
      '--to',
      'production',
      '--json',
    );
    expect(promoted.code).toBe(EXIT.ok);
    const copy = promoted.json.release as Catalog['releases'][number];
    const original = (await catalog('ios', 'staging'))!.releases[0]!;
    expect(copy.expo!.id).toMatch(UUID);
    expect(copy.expo!.id).not.toBe(original.expo!.id);
    expect({ ...copy.expo, id: original.expo!.id }).toEqual(original.expo);
    expect(copy.origin).toEqual({ kind: 'promote', channel: 'staging', label: 'v1' });
    const patched = await hotpatch(
      'patch',
      '--app',
      'expoapp',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--label',
      'v1',
      '--target',
      '^1.0.0',
    );
    expect(patched.code).toBe(EXIT.failed);
    expect(patched.stderr).toContain(
      'is an Expo update for runtime version 1.0.0; a target binary range does not apply',
    );
  });

  it('rolls production back to the embedded bundle; the catalog and history show it', async () => {
    const rolled = await hotpatch(
      'rollback',
      '--embedded',
      '--app',
      'expoapp',
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
    expect(rolled.json.embeddedRollback).toEqual({
      seq: 2,
      at: expect.any(String),
      by: expect.any(String),
      runtimeVersion: RUNTIME,
    });
    const production = (await catalog('ios', 'production'))!;
    expect(production.embeddedRollbacks).toEqual([rolled.json.embeddedRollback]);

    const again = await hotpatch(
      'rollback',
      '--embedded',
      '--app',
      'expoapp',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--runtime-version',
      RUNTIME,
    );
    expect(again.code).toBe(EXIT.failed);
    expect(again.stderr).toContain('already rolled back to the embedded bundle for runtime version 1.0.0');

    const history = await hotpatch('history', '--app', 'expoapp', '--platform', 'ios', '--channel', 'production');
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^rollback to the embedded bundle for runtime version 1\.0\.0 {2}\S+ by hotpatch-dev-app-key$/,
    );
    expect(lines[1]).toContain(`v1 for runtime version ${RUNTIME}: Expo update ${production.releases[0]!.expo!.id}`);
    const json = await hotpatch(
      'history',
      '--app',
      'expoapp',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--json',
    );
    expect(json.json.embeddedRollbacks).toEqual([rolled.json.embeddedRollback]);
  });

  it('rolls an Expo release back to an earlier Expo release of its runtime version, under a fresh id', async () => {
    const changed = exportCopy('second');
    const bundle = path.join(changed, metadata.fileMetadata.android.bundle);
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}// second\n`);
    const second = await hotpatch(
      'release',
      '--expo',
      changed,
      '--app',
      'expoapp',
      '--platform',
      'android',
      '--runtime-version',
      RUNTIME,
      '--json',
    );
    expect(second.code).toBe(EXIT.ok);
    expect(second.json.releases[0].release.label).toBe('v2');
    const rolled = await hotpatch(
      'rollback',
      '--app',
      'expoapp',
      '--platform',
      'android',
      '--channel',
      'staging',
      '--json',
    );
    expect(rolled.code).toBe(EXIT.ok);
    expect(rolled.json.release.origin).toEqual({ kind: 'rollback', channel: 'staging', label: 'v1' });
    expect(rolled.json.release.expo.launchAsset).toEqual(
      (await catalog('android', 'staging'))!.releases[0]!.expo!.launchAsset,
    );
    expect(rolled.json.release.expo.id).not.toBe(ids.android);
  });
});

describe('Expo: bad exports are refused with a precise reason and nothing is published', () => {
  const release = (folder: string, ...extra: string[]): Promise<HotpatchRun> =>
    hotpatch('release', '--expo', folder, '--app', 'expoapp', '--runtime-version', '2.0.0', ...extra);

  async function expectNothingPublished(): Promise<void> {
    for (const platform of ['ios', 'android'] as const)
      expect(
        (await catalog(platform, 'staging'))!.releases.filter((entry) => entry.expo?.runtimeVersion === '2.0.0'),
      ).toEqual([]);
  }

  it('a file metadata.json names is missing', async () => {
    const folder = exportCopy('missing');
    rmSync(path.join(folder, metadata.fileMetadata.ios.assets[0]!.path));
    const run = await release(folder);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe(
      `hotpatch: ${path.join(folder, metadata.fileMetadata.ios.assets[0]!.path)}, named by metadata.json, is missing\n`,
    );
    await expectNothingPublished();
  });

  it('a metadata.json that is not an export', async () => {
    const folder = exportCopy('badmeta');
    writeFileSync(path.join(folder, 'metadata.json'), JSON.stringify({ version: 0, bundler: 'webpack' }));
    const run = await release(folder);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toContain('metadata.json "bundler" is "webpack", expected "metro"');
    expect(run.stderr).toContain('metadata.json has no "fileMetadata" object');
    await expectNothingPublished();
  });

  it('a ../ path in metadata.json', async () => {
    const folder = exportCopy('escape');
    const hostile = structuredClone(metadata);
    hostile.fileMetadata.ios.assets[0]!.path = '../../etc/passwd';
    writeFileSync(path.join(folder, 'metadata.json'), JSON.stringify({ version: 0, bundler: 'metro', ...hostile }));
    const run = await release(folder);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toContain(
      'metadata.json fileMetadata.ios.assets[0].path "../../etc/passwd" leaves the export or has an empty or "." segment',
    );
    await expectNothingPublished();
  });

  it('an unknown platform', async () => {
    const run = await release(path.join(FIXTURE, 'dist'), '--platform', 'windows');
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toBe('hotpatch: --platform must be ios, android or all, got "windows"\n');
    await expectNothingPublished();
  });

  it('uploaded without the CLI: uploadBundle records why (here: no runtime version) and publishes nothing', async () => {
    const assetsBefore = await keysUnder('assets/');
    const changed = exportCopy('by-hand');
    writeFileSync(path.join(changed, metadata.fileMetadata.ios.bundle), 'console.log("never published")');
    const packaged = await packageExpoPlatform(readExpoExport(changed, undefined), 'ios');
    const client = new OSS({
      endpoint: stack.ossUrl,
      bucket: stack.bucket,
      accessKeyId: DEV_CREDENTIALS.accessKeyId,
      accessKeySecret: DEV_CREDENTIALS.accessKeySecret,
    });
    const key = `${stack.uploadPrefix}expoapp/ios/by-hand.zip`;
    await client.put(key, packaged.file);
    packaged.remove();
    await stack.triggers.idle();
    const etag = (await stack.oss.store(stack.bucket).head(key))!.etag;
    const outcome = await readJson(
      stack.oss.store(stack.bucket),
      storageKeys.uploadStatus('expoapp/ios/by-hand.zip', etag),
      (json) => json,
    );
    expect(outcome).toMatchObject({
      status: 'rejected',
      reasons: [
        'an Expo export needs its runtime version: set x-oss-meta-runtime-version or runtimeVersion in hotpatch.json (hotpatch release --expo --runtime-version)',
      ],
    });
    expect(await keysUnder('assets/')).toEqual(assetsBefore);
  });
});
