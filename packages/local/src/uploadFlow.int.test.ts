import OSS from 'ali-oss';
import { randomBytes } from 'node:crypto';
import { readJson, readLogEntriesAfter } from '@hotpatch/common';
import { parseCatalog, parseUploadOutcome, storageKeys, type UploadOutcome } from '@hotpatch/core';
import { makeZip } from '@hotpatch/upload-bundle/testing';
import type { LocalStack } from './createLocalStack';
import { DEV_CREDENTIALS } from './loadLocalStackSettings';
import { startTestStack } from './testing';

let stack: LocalStack;
let client: OSS;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.registry.create({ name: 'demo', platforms: ['ios', 'android'] });
  client = new OSS({ endpoint: stack.ossUrl, bucket: 'hotpatch', ...DEV_CREDENTIALS });
});

afterAll(async () => {
  await stack.close();
});

const store = () => stack.oss.store('hotpatch');
const catalog = (channel: string, platform: 'ios' | 'android' = 'android') =>
  readJson(store(), storageKeys.catalog({ app: 'demo', platform, channel }), parseCatalog);

async function outcomeOf(key: string, etag: string): Promise<UploadOutcome | null> {
  return readJson(store(), storageKeys.uploadStatus(key.slice('uploads/'.length), etag), parseUploadOutcome);
}

async function putUpload(key: string, body: Buffer, meta: Record<string, string>): Promise<string> {
  const result = await client.put(key, body, { meta } as unknown as OSS.PutObjectOptions);
  return String((result.res.headers as Record<string, string>).etag).replace(/"/g, '');
}

describe('upload → OSS trigger → uploadBundle, through the local stack with ali-oss', () => {
  it('releases a zip uploaded with ali-oss and records the outcome under the status prefix', async () => {
    const zip = await makeZip({ 'index.android.bundle': 'first', 'hotpatch.json': '{"targetBinaryRange":"1.x"}' });
    const etag = await putUpload('uploads/demo/android/first.zip', zip, {
      channel: 'production',
      description: 'via ali-oss',
    });
    await stack.triggers.idle();
    expect(await outcomeOf('uploads/demo/android/first.zip', etag)).toMatchObject({
      status: 'accepted',
      release: { channel: 'production', label: 'v1', size: zip.length },
    });
    expect((await catalog('production'))?.releases.map((release) => release.description)).toEqual(['via ali-oss']);
    // It never writes under the trigger prefix: the only object there is the upload itself.
    expect((await store().list({ prefix: 'uploads/' })).objects.map((object) => object.key)).toEqual([
      'uploads/demo/android/first.zip',
    ]);
  });

  it('releases a large zip sent with multipart upload', async () => {
    const zip = await makeZip({ 'index.android.bundle': randomBytes(3 * 1024 * 1024) });
    const result = await client.multipartUpload('uploads/demo/android/big.zip', zip, {
      partSize: 1024 * 1024,
      meta: { target: '9.x' },
    } as unknown as OSS.MultipartUploadOptions);
    await stack.triggers.idle();
    const etag = String(
      (result.res.headers as Record<string, string>).etag ??
        (await client.head('uploads/demo/android/big.zip')).res.headers['etag' as never],
    ).replace(/"/g, '');
    expect(await outcomeOf('uploads/demo/android/big.zip', etag)).toEqual(
      expect.objectContaining({ status: 'accepted', release: expect.objectContaining({ size: zip.length }) }),
    );
  });

  it('gives 20 concurrent uploads to one deployment 20 releases, labels v1..v20 each used once', async () => {
    const zips = await Promise.all(
      Array.from({ length: 20 }, (_, index) => makeZip({ 'CodePush/main.jsbundle': `build ${index}` })),
    );
    await Promise.all(
      zips.map((zip, index) => putUpload(`uploads/demo/ios/concurrent-${index}.zip`, zip, { target: '2.x' })),
    );
    await stack.triggers.idle();
    const releases = (await catalog('staging', 'ios'))?.releases ?? [];
    expect(releases.map((release) => release.label)).toEqual(Array.from({ length: 20 }, (_, index) => `v${index + 1}`));
    expect(new Set(releases.map((release) => release.packageHash)).size).toBe(20);
    // Diff entries follow the releases in the log; release entries must be exactly the 20 uploads.
    const entries = await readLogEntriesAfter(store(), { app: 'demo', platform: 'ios', channel: 'staging' }, 0);
    const releaseEntries = entries.filter((entry) => entry.type === 'release');
    expect(releaseEntries).toHaveLength(20);
    expect(entries.filter((entry) => entry.type !== 'release' && entry.type !== 'diffs')).toEqual([]);
  });

  it('survives OSS failing mid-processing: the retried event completes, no duplicate or half-written release', async () => {
    const before = (await catalog('staging'))?.releases.length ?? 0;
    const zip = await makeZip({ 'index.android.bundle': 'fault tolerant' });
    // The first log append fails; the trigger's retry must finish the job exactly once.
    stack.oss.faults.failNext(1, { status: 503, match: { method: 'PUT', keyPrefix: 'logs/' } });
    const etag = await putUpload('uploads/demo/android/faulty.zip', zip, { target: '3.x' });
    await stack.triggers.idle();
    expect(await outcomeOf('uploads/demo/android/faulty.zip', etag)).toMatchObject({ status: 'accepted' });
    const releases = (await catalog('staging'))?.releases ?? [];
    expect(releases).toHaveLength(before + 1);
    expect(releases.filter((release) => release.targetBinaryRange === '3.x')).toHaveLength(1);
  });

  it('records a rejected upload with every reason, publishing nothing', async () => {
    const etag = await putUpload('uploads/demo/android/bad.zip', Buffer.from('not a zip at all'), { target: '1.x' });
    await stack.triggers.idle();
    expect(await outcomeOf('uploads/demo/android/bad.zip', etag)).toMatchObject({
      status: 'rejected',
      reasons: ['the upload is named .zip but is not a zip archive'],
    });
  });

  it('answers a redelivered event with the same outcome and no second release', async () => {
    const zip = await makeZip({ 'index.android.bundle': 'delivered twice' });
    const etag = await putUpload('uploads/demo/android/twice.zip', zip, { target: '4.x' });
    await stack.triggers.idle();
    const first = await outcomeOf('uploads/demo/android/twice.zip', etag);
    // Copying an object onto itself is a second ObjectCreated event for the same content and ETag.
    await client.copy('uploads/demo/android/twice.zip', 'uploads/demo/android/twice.zip');
    await stack.triggers.idle();
    expect(await outcomeOf('uploads/demo/android/twice.zip', etag)).toEqual(first);
    expect((await catalog('staging'))?.releases.filter((release) => release.targetBinaryRange === '4.x')).toHaveLength(
      1,
    );
  });
});
