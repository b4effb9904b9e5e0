import { generateKeyPairSync, createSign } from 'node:crypto';
import { tmpdir } from 'node:os';
import {
  createAppRegistry,
  createLogger,
  createMemoryStore,
  patchLimits,
  readJson,
  type ObjectStore,
  type OssObjectEvent,
} from '@hotpatch/common';
import { computePackageHash, parseCatalog, sha256Hex, storageKeys, type UploadOutcome } from '@hotpatch/core';
import { createHash } from 'node:crypto';
import type { UploadConfig } from './loadUploadConfig';
import { processUpload } from './processUpload';
import { craftZip, makeZip } from './testing/zips';

const config: UploadConfig = {
  uploadPrefix: 'uploads/',
  patches: { maxBases: 5, maxRatio: 0.3, ...patchLimits('uploadBundle') },
  tempDirectory: tmpdir(),
  limits: {
    maxUploadBytes: 50 * 1024 * 1024,
    maxEntries: 50,
    maxUncompressedBytes: 20 * 1024 * 1024,
    maxCompressionRatio: 200,
  },
};
const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
const IOS_BUNDLE = 'CodePush/main.jsbundle';

let store: ObjectStore;

beforeEach(async () => {
  store = createMemoryStore();
  await createAppRegistry(store).create({ name: 'demo', platforms: ['ios', 'android'] });
});

async function upload(
  key: string,
  body: Buffer,
  metadata: Record<string, string> = { target: '1.x' },
): Promise<UploadOutcome | undefined> {
  const { etag } = await store.put(key, body, { metadata });
  const event: OssObjectEvent = {
    eventName: 'ObjectCreated:PutObject',
    bucket: 'b',
    key,
    size: body.length,
    etag,
    eventTime: '',
    region: '',
  };
  return processUpload(event, {
    store,
    registry: createAppRegistry(store),
    config,
    logger: createLogger({ service: 'uploadBundle', write: () => undefined }),
    now: () => new Date('2026-11-27T00:00:00Z'),
  });
}

async function nothingPublished(): Promise<void> {
  for (const prefix of ['packages/', 'logs/', 'catalogs/']) expect((await store.list({ prefix })).objects).toEqual([]);
}

const catalogOf = (platform: 'ios' | 'android', channel = 'staging') =>
  readJson(store, storageKeys.catalog({ app: 'demo', platform, channel }), parseCatalog);

describe('uploadBundle: accepted uploads', () => {
  it('turns a zip into release v1 with the CodePush package hash, content stored by the SHA-256 of its bytes, outcome recorded', async () => {
    const files = { [IOS_BUNDLE]: 'console.log(1)', 'CodePush/assets/logo.png': Buffer.from([1, 2, 3]) };
    const zip = await makeZip(files);
    const outcome = await upload('uploads/demo/ios/build-1.zip', zip, {
      target: '^1.2.0',
      description: 'first',
      mandatory: 'true',
    });
    const expectedHash = computePackageHash(
      Object.entries(files).map(([path, content]) => ({ path, sha256: sha256(content) })),
    );
    expect(outcome).toMatchObject({
      status: 'accepted',
      release: {
        app: 'demo',
        platform: 'ios',
        channel: 'staging',
        label: 'v1',
        packageHash: expectedHash,
        size: zip.length,
      },
    });

    const catalog = await catalogOf('ios');
    expect(catalog?.releases).toEqual([
      expect.objectContaining({
        label: 'v1',
        packageHash: expectedHash,
        archiveSha256: sha256(zip),
        bundlePath: IOS_BUNDLE,
        targetBinaryRange: '^1.2.0',
        description: 'first',
        mandatory: true,
        rollout: 100,
        disabled: false,
        signed: false,
        contentKey: `packages/${sha256(zip)}/package.zip`,
        createdBy: 'uploadBundle',
      }),
    ]);
    const stored = await store.get(`packages/${sha256(zip)}/package.zip`);
    expect(stored?.status === 'found' && stored.body.equals(zip)).toBe(true);
    const manifest = await store.get(`packages/${sha256(zip)}/manifest.json`);
    expect(JSON.parse(manifest?.status === 'found' ? manifest.body.toString() : '{}').files).toHaveLength(2);
    expect(
      await readJson(store, storageKeys.uploadStatus('demo/ios/build-1.zip', outcome!.etag), (json) => json),
    ).toEqual(outcome);
  });

  it('takes metadata from hotpatch.json, with object metadata winning', async () => {
    const zip = await makeZip({
      'index.android.bundle': 'x',
      'hotpatch.json': JSON.stringify({
        targetBinaryRange: '2.x',
        channel: 'production',
        rollout: 30,
        description: 'from json',
      }),
    });
    const outcome = await upload('uploads/demo/android/b.zip', zip, { description: 'from metadata' });
    expect(outcome).toMatchObject({ status: 'accepted', release: { channel: 'production' } });
    expect((await catalogOf('android', 'production'))?.releases[0]).toMatchObject({
      targetBinaryRange: '2.x',
      rollout: 30,
      description: 'from metadata',
      bundlePath: 'index.android.bundle',
    });
  });

  it('accepts a single JS bundle file, hashed as the file', async () => {
    const bundle = Buffer.from('var app = 1;');
    const outcome = await upload('uploads/demo/android/index.android.bundle', bundle);
    expect(outcome).toMatchObject({ status: 'accepted', release: { label: 'v1', packageHash: sha256(bundle) } });
    const release = (await catalogOf('android'))?.releases[0];
    expect(release).toMatchObject({
      contentKind: 'bundle',
      bundlePath: 'index.android.bundle',
      contentKey: `packages/${sha256(bundle)}/bundle.bundle`,
    });
    expect(release?.manifestKey).toBeUndefined();
  });

  it('keeps a signed package byte for byte when the signature matches the package hash', async () => {
    const files = { 'CodePush/main.jsbundle': 'signed code' };
    const contentHash = computePackageHash(
      Object.entries(files).map(([path, content]) => ({ path, sha256: sha256(content) })),
    );
    const zip = await makeZip({
      ...files,
      'CodePush/.codepushrelease': signJwt({ claimVersion: '1.0.0', contentHash }),
    });
    const outcome = await upload('uploads/demo/ios/signed.zip', zip);
    expect(outcome).toMatchObject({ status: 'accepted', release: { packageHash: contentHash } });
    const stored = await store.get(`packages/${sha256(zip)}/package.zip`);
    expect(stored?.status === 'found' && stored.body.equals(zip)).toBe(true);
    expect((await catalogOf('ios'))?.releases[0]?.signed).toBe(true);
  });

  it('stores identical content once when two deployments release it', async () => {
    const zip = await makeZip({ [IOS_BUNDLE]: 'same' });
    await upload('uploads/demo/ios/a.zip', zip, { target: '1.x' });
    await upload('uploads/demo/ios/b.zip', zip, { target: '1.x', channel: 'production' });
    expect((await store.list({ prefix: 'packages/' })).objects.map((object) => object.key.split('/')[2])).toEqual([
      'manifest.json',
      'package.zip',
    ]);
  });

  it('stores the same files zipped again, or signed, as objects of their own: each release points at its own bytes', async () => {
    const files = { [IOS_BUNDLE]: 'same files' };
    const contentHash = computePackageHash([{ path: IOS_BUNDLE, sha256: sha256('same files') }]);
    const zips = [
      await makeZip(files, { mtime: new Date('2026-01-01T00:00:00Z') }),
      await makeZip(files, { mtime: new Date('2026-06-01T00:00:00Z') }),
      await makeZip({ ...files, 'CodePush/.codepushrelease': signJwt({ claimVersion: '1.0.0', contentHash }) }),
    ];
    const channels = ['staging', 'production', 'beta'];
    await createAppRegistry(store).addChannel('demo', 'beta');
    for (const [index, zip] of zips.entries()) {
      expect(
        await upload(`uploads/demo/ios/${index}.zip`, zip, { target: '1.x', channel: channels[index]! }),
      ).toMatchObject({ status: 'accepted', release: { packageHash: contentHash, size: zip.length } });
    }
    for (const [index, zip] of zips.entries()) {
      const release = (await catalogOf('ios', channels[index]))!.releases[0]!;
      expect(release).toMatchObject({
        packageHash: contentHash,
        archiveSha256: sha256(zip),
        size: zip.length,
        signed: index === 2,
      });
      const stored = await store.get(release.contentKey);
      expect(stored?.status === 'found' && stored.body.equals(zip)).toBe(true);
    }
  });

  it('answers a second delivery of the same event with the recorded outcome and no second release', async () => {
    const zip = await makeZip({ [IOS_BUNDLE]: 'once' });
    const { etag } = await store.put('uploads/demo/ios/once.zip', zip, { metadata: { target: '1.x' } });
    const event: OssObjectEvent = {
      eventName: 'ObjectCreated:PutObject',
      bucket: 'b',
      key: 'uploads/demo/ios/once.zip',
      size: zip.length,
      etag,
      eventTime: '',
      region: '',
    };
    const deps = {
      store,
      registry: createAppRegistry(store),
      config,
      logger: createLogger({ service: 'u', write: () => undefined }),
      now: () => new Date(),
    };
    const [first, second] = await Promise.all([processUpload(event, deps), processUpload(event, deps)]);
    expect(second).toEqual(first);
    expect(await processUpload(event, deps)).toEqual(first);
    expect((await catalogOf('ios'))?.releases).toHaveLength(1);
  });
});

function signJwt(claims: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ ...claims, iat: 1 })}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

describe('uploadBundle: rejected uploads publish nothing and say exactly why', () => {
  const bundle = { [IOS_BUNDLE]: 'x' };

  it.each<[string, () => Promise<[string, Buffer, Record<string, string>?]>, string]>([
    [
      'not a zip',
      async () => ['uploads/demo/ios/a.zip', Buffer.from('just text, no zip')],
      'the upload is named .zip but is not a zip archive',
    ],
    [
      'a truncated zip',
      async () => ['uploads/demo/ios/a.zip', (await makeZip(bundle)).subarray(0, 40)],
      'not a readable zip archive (truncated or corrupt)',
    ],
    [
      'a ../ entry',
      async () => [
        'uploads/demo/ios/a.zip',
        craftZip([
          { name: IOS_BUNDLE, data: Buffer.from('x') },
          { name: '../../evil.js', data: Buffer.from('x') },
        ]),
      ],
      'entry "../../evil.js" escapes the package root ("..")',
    ],
    [
      'an absolute path',
      async () => ['uploads/demo/ios/a.zip', craftZip([{ name: '/etc/passwd', data: Buffer.from('x') }])],
      'entry "/etc/passwd" has an absolute path',
    ],
    [
      'a drive letter',
      async () => ['uploads/demo/ios/a.zip', craftZip([{ name: 'C:/win.ini', data: Buffer.from('x') }])],
      'entry "C:/win.ini" names a drive letter',
    ],
    [
      'a backslash',
      async () => ['uploads/demo/ios/a.zip', craftZip([{ name: '..\\evil.js', data: Buffer.from('x') }])],
      'uses a backslash',
    ],
    [
      'a non-ASCII name',
      async () => ['uploads/demo/ios/a.zip', craftZip([{ name: 'CodePush/ünïcode.js', data: Buffer.from('x') }])],
      'is not printable ASCII',
    ],
    [
      'a symlink',
      async () => [
        'uploads/demo/ios/a.zip',
        craftZip([
          { name: IOS_BUNDLE, data: Buffer.from('x') },
          { name: 'CodePush/link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 },
        ]),
      ],
      'entry "CodePush/link" is a symbolic link',
    ],
    [
      'an encrypted entry',
      async () => ['uploads/demo/ios/a.zip', craftZip([{ name: IOS_BUNDLE, data: Buffer.from('x'), encrypted: true }])],
      'is encrypted',
    ],
    [
      'a zip bomb',
      async () => [
        'uploads/demo/ios/a.zip',
        craftZip([{ name: IOS_BUNDLE, data: Buffer.alloc(8 * 1024 * 1024), deflate: true }]),
      ],
      'compression ratio over 200 (a zip bomb?)',
    ],
    [
      'an unsupported compression method',
      async () => ['uploads/demo/ios/a.zip', craftZip([{ name: IOS_BUNDLE, data: Buffer.from('x'), method: 12 }])],
      'uses compression method 12; only stored and deflate are supported',
    ],
    [
      'an entry lying about its size',
      async () => [
        'uploads/demo/ios/a.zip',
        craftZip([{ name: IOS_BUNDLE, data: Buffer.alloc(100_000, 7), deflate: true, declaredSize: 10 }]),
      ],
      'is corrupt',
    ],
    [
      'too much uncompressed data',
      async () => ['uploads/demo/ios/a.zip', craftZip([{ name: IOS_BUNDLE, data: Buffer.alloc(21 * 1024 * 1024, 1) }])],
      'expands to more than the limit',
    ],
    [
      'too many entries',
      async () => [
        'uploads/demo/ios/a.zip',
        craftZip(Array.from({ length: 51 }, (_, index) => ({ name: `f${index}`, data: Buffer.from('x') }))),
      ],
      'zip has 51 entries, more than the limit of 50',
    ],
    [
      'a duplicate entry',
      async () => [
        'uploads/demo/ios/a.zip',
        craftZip([
          { name: IOS_BUNDLE, data: Buffer.from('x') },
          { name: IOS_BUNDLE, data: Buffer.from('y') },
        ]),
      ],
      'appears twice',
    ],
    [
      'no bundle file',
      async () => ['uploads/demo/ios/a.zip', await makeZip({ 'CodePush/index.android.bundle': 'wrong platform' })],
      'no bundle file: expected main.jsbundle somewhere in the zip',
    ],
    ['an empty object', async () => ['uploads/demo/ios/a.zip', Buffer.alloc(0)], 'the uploaded object is empty'],
    [
      'a zip named as a bundle',
      async () => ['uploads/demo/ios/main.jsbundle', await makeZip(bundle)],
      'is a zip archive but is named "main.jsbundle"',
    ],
    [
      'a missing target range',
      async () => ['uploads/demo/ios/a.zip', await makeZip(bundle), {}],
      'target binary version range is missing',
    ],
    [
      'a bad semver range',
      async () => ['uploads/demo/ios/a.zip', await makeZip(bundle), { target: 'banana' }],
      'x-oss-meta-target is not a valid semver range: "banana"',
    ],
    [
      'rollout 0',
      async () => ['uploads/demo/ios/a.zip', await makeZip(bundle), { target: '1.x', rollout: '0' }],
      'x-oss-meta-rollout must be a whole percentage from 1 to 100, got "0"',
    ],
    [
      'rollout 101',
      async () => ['uploads/demo/ios/a.zip', await makeZip(bundle), { target: '1.x', rollout: '101' }],
      'got "101"',
    ],
    [
      'an unknown platform',
      async () => ['uploads/demo/windows/a.zip', await makeZip(bundle)],
      'platform "windows" is not one of ios, android',
    ],
    [
      'a channel name with /',
      async () => ['uploads/demo/ios/a.zip', await makeZip(bundle), { target: '1.x', channel: 'beta/1' }],
      'channel name "beta/1" is invalid',
    ],
    [
      'a channel that does not exist',
      async () => ['uploads/demo/ios/a.zip', await makeZip(bundle), { target: '1.x', channel: 'beta' }],
      'app demo has no channel "beta"',
    ],
    ['an unknown app', async () => ['uploads/nobody/ios/a.zip', await makeZip(bundle)], 'unknown app "nobody"'],
    [
      'a key not matching the upload pattern',
      async () => ['uploads/demo/a.zip', await makeZip(bundle)],
      'does not match the upload pattern',
    ],
    [
      'a malformed hotpatch.json',
      async () => ['uploads/demo/ios/a.zip', await makeZip({ ...bundle, 'hotpatch.json': '{nope' })],
      'hotpatch.json is not valid JSON',
    ],
    [
      'a signature whose contentHash does not match',
      async () => [
        'uploads/demo/ios/a.zip',
        await makeZip({
          ...bundle,
          'CodePush/.codepushrelease': signJwt({ claimVersion: '1.0.0', contentHash: 'f'.repeat(64) }),
        }),
      ],
      `the signature's contentHash ${'f'.repeat(64)} does not match the package hash`,
    ],
  ])('%s', async (_case, make, reason) => {
    const [key, body, metadata] = await make();
    const outcome = await upload(key, body, metadata ?? { target: '1.x' });
    expect(outcome).toMatchObject({
      status: 'rejected',
      uploadKey: key,
      reasons: expect.arrayContaining([expect.stringContaining(reason)]),
    });
    await nothingPublished();
    expect(
      await readJson(store, storageKeys.uploadStatus(key.slice('uploads/'.length), outcome!.etag), (json) => json),
    ).toEqual(outcome);
  });

  it('reports every metadata problem at once', async () => {
    const outcome = await upload('uploads/demo/ios/a.zip', await makeZip(bundle), {
      rollout: '0',
      mandatory: 'perhaps',
    });
    expect(outcome?.status === 'rejected' && outcome.reasons).toHaveLength(3);
  });

  it('refuses content identical to the latest release for the same range, and releases it for another range', async () => {
    const zip = await makeZip(bundle);
    await upload('uploads/demo/ios/a.zip', zip);
    expect(await upload('uploads/demo/ios/b.zip', zip)).toMatchObject({
      status: 'rejected',
      reasons: ['identical to release v1 of demo/ios/staging for 1.x; nothing to release'],
    });
    expect(await upload('uploads/demo/ios/c.zip', zip, { target: '2.x' })).toMatchObject({
      status: 'accepted',
      release: { label: 'v2' },
    });
  });

  it('records an event whose object no longer exists as rejected', async () => {
    const event: OssObjectEvent = {
      eventName: 'ObjectCreated:PutObject',
      bucket: 'b',
      key: 'uploads/demo/ios/gone.zip',
      size: 10,
      etag: 'ABC',
      eventTime: '',
      region: '',
    };
    const outcome = await processUpload(event, {
      store,
      registry: createAppRegistry(store),
      config,
      logger: createLogger({ service: 'u', write: () => undefined }),
      now: () => new Date(),
    });
    expect(outcome).toMatchObject({ status: 'rejected', reasons: ['the uploaded object no longer exists'] });
  });

  it('records an event for an object replaced since as rejected, pointing at the newer upload', async () => {
    const first = await store.put('uploads/demo/ios/x.zip', await makeZip(bundle), { metadata: { target: '1.x' } });
    await store.put('uploads/demo/ios/x.zip', await makeZip({ [IOS_BUNDLE]: 'newer' }), {
      metadata: { target: '1.x' },
    });
    const event: OssObjectEvent = {
      eventName: 'ObjectCreated:PutObject',
      bucket: 'b',
      key: 'uploads/demo/ios/x.zip',
      size: 10,
      etag: first.etag,
      eventTime: '',
      region: '',
    };
    const outcome = await processUpload(event, {
      store,
      registry: createAppRegistry(store),
      config,
      logger: createLogger({ service: 'u', write: () => undefined }),
      now: () => new Date(),
    });
    expect(outcome).toMatchObject({
      status: 'rejected',
      reasons: [expect.stringContaining('the object was replaced after this upload')],
    });
    await nothingPublished();
  });

  it('keeps the sha256 helper of core consistent with node (sanity for single-bundle hashes)', () => {
    expect(sha256Hex('abc')).toBe(sha256('abc'));
  });
});
