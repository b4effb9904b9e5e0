import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createAppRegistry,
  createLogger,
  createMemoryStore,
  patchLimits,
  readJson,
  type ObjectStore,
  type OssObjectEvent,
} from '@hotpatch/common';
import {
  DEFAULT_PATCH_BASES,
  DEFAULT_PATCH_MAX_RATIO,
  parseCatalog,
  storageKeys,
  type UploadOutcome,
} from '@hotpatch/core';
import type { UploadConfig } from './loadUploadConfig';
import { processUpload } from './processUpload';
import { craftZip, makeZip } from './testing/zips';

const config: UploadConfig = {
  uploadPrefix: 'uploads/',
  tempDirectory: tmpdir(),
  limits: {
    maxUploadBytes: 50 * 1024 * 1024,
    maxEntries: 50,
    maxUncompressedBytes: 20 * 1024 * 1024,
    maxCompressionRatio: 200,
  },
  patches: { maxBases: DEFAULT_PATCH_BASES, maxRatio: DEFAULT_PATCH_MAX_RATIO, ...patchLimits('uploadBundle') },
};
const dist = path.join(__dirname, '..', '..', '..', 'fixtures', 'expo', 'dist');
const metadataText = readFileSync(path.join(dist, 'metadata.json'), 'utf8');
const metadata = JSON.parse(metadataText) as {
  fileMetadata: Record<'ios' | 'android', { bundle: string; assets: { path: string; ext: string }[] }>;
};
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The iOS upload `hotpatch release --expo` makes from the fixture: metadata.json, the bundle, the assets. */
function exportFiles(platform: 'ios' | 'android' = 'ios'): Record<string, Buffer> {
  const files = metadata.fileMetadata[platform];
  return Object.fromEntries(
    ['metadata.json', files.bundle, ...files.assets.map((asset) => asset.path)].map((relative) => [
      relative,
      readFileSync(path.join(dist, relative)),
    ]),
  );
}

let store: ObjectStore;

beforeEach(async () => {
  store = createMemoryStore();
  await createAppRegistry(store).create({ name: 'demo', platforms: ['ios', 'android'] });
});

async function upload(
  key: string,
  body: Buffer,
  meta: Record<string, string> = { 'runtime-version': '1.0.0' },
): Promise<{ outcome: UploadOutcome | undefined; again: () => Promise<UploadOutcome | undefined> }> {
  const { etag } = await store.put(key, body, { metadata: meta });
  const event: OssObjectEvent = {
    eventName: 'ObjectCreated:PutObject',
    bucket: 'b',
    key,
    size: body.length,
    etag,
    eventTime: '',
    region: '',
  };
  const run = () =>
    processUpload(event, {
      store,
      registry: createAppRegistry(store),
      config,
      logger: createLogger({ service: 'uploadBundle', write: () => undefined }),
      now: () => new Date('2026-12-01T00:00:00Z'),
    });
  return { outcome: await run(), again: run };
}

async function nothingPublished(): Promise<void> {
  for (const prefix of ['assets/', 'packages/', 'logs/', 'catalogs/'])
    expect((await store.list({ prefix })).objects).toEqual([]);
}

describe('uploadBundle: Expo exports', () => {
  it('stores every file once under assets/<sha256> with its content type and appends the Expo release', async () => {
    const files = exportFiles();
    const { outcome } = await upload('uploads/demo/ios/expo.zip', await makeZip(files));
    expect(outcome).toMatchObject({
      status: 'accepted',
      release: { app: 'demo', platform: 'ios', channel: 'staging', label: 'v1', expo: { runtimeVersion: '1.0.0' } },
    });
    for (const [relative, bytes] of Object.entries(files)) {
      if (relative === 'metadata.json') continue;
      const stored = await store.get(storageKeys.expoAsset(sha256(bytes)));
      expect(stored?.status).toBe('found');
      if (stored?.status === 'found') {
        expect(stored.body.equals(bytes)).toBe(true);
        const ext = metadata.fileMetadata.ios.assets.find((asset) => asset.path === relative)?.ext;
        expect(stored.info.contentType).toBe(
          ext === undefined ? 'application/javascript' : { png: 'image/png', ttf: 'font/ttf' }[ext],
        );
      }
    }
    // metadata.json is read, never stored as an asset; no zip is kept under packages/.
    expect((await store.list({ prefix: 'assets/' })).objects).toHaveLength(3);
    expect((await store.list({ prefix: 'packages/' })).objects).toEqual([]);
    const catalog = await readJson(
      store,
      storageKeys.catalog({ app: 'demo', platform: 'ios', channel: 'staging' }),
      parseCatalog,
    );
    expect(catalog!.releases[0]!.expo!.id).toBe(outcome?.status === 'accepted' && outcome.release.expo!.id);
  });

  it('a retried event finds its release and its id; one release', async () => {
    const { outcome, again } = await upload('uploads/demo/ios/expo.zip', await makeZip(exportFiles()));
    await store.delete(
      storageKeys.uploadStatus('demo/ios/expo.zip', (await store.head('uploads/demo/ios/expo.zip'))!.etag),
    );
    expect(await again()).toEqual(outcome);
    const catalog = await readJson(
      store,
      storageKeys.catalog({ app: 'demo', platform: 'ios', channel: 'staging' }),
      parseCatalog,
    );
    expect(catalog!.releases).toHaveLength(1);
  });

  it.each([
    [
      'a file metadata.json names is missing',
      () => {
        const files = exportFiles();
        delete files[metadata.fileMetadata.ios.assets[1]!.path];
        return makeZip(files);
      },
      `the asset "${metadata.fileMetadata.ios.assets[1]!.path}" named by metadata.json is not in the zip`,
    ],
    [
      'metadata.json is not JSON',
      () => makeZip({ ...exportFiles(), 'metadata.json': 'not json' }),
      'metadata.json is not valid JSON',
    ],
    [
      'a ../ path in metadata.json',
      () =>
        makeZip({
          ...exportFiles(),
          'metadata.json': metadataText.replace(metadata.fileMetadata.ios.assets[0]!.path, 'assets/../../secret'),
        }),
      'metadata.json fileMetadata.ios.assets[0].path "assets/../../secret" leaves the export or has an empty or "." segment',
    ],
    [
      'a ../ entry in the zip itself',
      () =>
        Promise.resolve(
          craftZip([
            { name: 'metadata.json', data: Buffer.from(metadataText) },
            { name: '../evil.js', data: Buffer.from('x') },
          ]),
        ),
      'entry "../evil.js" escapes the package root ("..")',
    ],
    [
      'an export without this platform',
      () =>
        makeZip({
          ...exportFiles(),
          'metadata.json': JSON.stringify({
            version: 0,
            bundler: 'metro',
            fileMetadata: { android: metadata.fileMetadata.android },
          }),
        }),
      'metadata.json has no fileMetadata.ios: export for ios',
    ],
    [
      'an app config without an expo object',
      () => makeZip({ ...exportFiles(), 'app.json': JSON.stringify({ name: 'x' }) }),
      'app.json must hold a JSON object with an "expo" object (the app config)',
    ],
  ])('refuses %s, naming it, and publishes nothing', async (_name, zip, reason) => {
    const { outcome } = await upload('uploads/demo/ios/bad.zip', await zip());
    expect(outcome).toMatchObject({ status: 'rejected', reasons: [reason] });
    await nothingPublished();
  });

  it('refuses a target range on an Expo export and a single-file Expo upload', async () => {
    const both = await upload('uploads/demo/ios/both.zip', await makeZip(exportFiles()), {
      'runtime-version': '1.0.0',
      target: '1.x',
    });
    expect(both.outcome).toMatchObject({
      status: 'rejected',
      reasons: [expect.stringContaining('x-oss-meta-target does not apply to an Expo update')],
    });
    const single = await upload('uploads/demo/ios/index.js', Buffer.from('console.log(1)'));
    expect(single.outcome).toMatchObject({
      status: 'rejected',
      reasons: [expect.stringContaining('an Expo update is a zip of the npx expo export output')],
    });
    await nothingPublished();
  });
});
