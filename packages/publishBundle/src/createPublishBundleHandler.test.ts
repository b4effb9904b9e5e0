import { gzipSync } from 'node:zlib';
import { createMemoryStore, patchLimits, writeJson, type ObjectStore } from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import { readDeploymentKeyIndex } from '@hotpatch/common/testing';
import { createPublishBundleHandler } from './createPublishBundleHandler';
import { loadPublishConfig } from './loadPublishConfig';
import { seedStaging, signedCall } from './testing/managementTestKit';

const APP_KEY = 'release-bot';
const APP_SECRET = 'release-bot-secret-000';

let store: ObjectStore;
let handle: ReturnType<typeof createPublishBundleHandler>;

/** A call signed as the CLI signs it, errors mapped as at the edge. */
const call = (method: string, path: string, body?: unknown, query: Record<string, string> = {}) =>
  signedCall(handle, { key: APP_KEY, secret: APP_SECRET }, method, path, body, query);

beforeEach(() => {
  store = createMemoryStore();
  handle = createPublishBundleHandler({
    store,
    config: loadPublishConfig({ HOTPATCH_APP_KEYS: `${APP_KEY}:${APP_SECRET}` }),
  });
});

const logLength = async (channel: string) =>
  (await store.list({ prefix: storageKeys.logPrefix({ app: 'demo', platform: 'ios', channel }) })).objects.length;

describe('publishBundle: apps', () => {
  it('creates, lists and shows apps with channels and deployment keys', async () => {
    const created = await call('POST', '/v1/apps', { name: 'demo', platforms: ['ios', 'android'] });
    expect(created).toMatchObject({
      status: 201,
      body: {
        app: {
          name: 'demo',
          platforms: ['ios', 'android'],
          channels: { staging: { deploymentKeys: { ios: expect.any(String) } }, production: {} },
        },
      },
    });
    expect(await call('GET', '/v1/apps')).toEqual({
      status: 200,
      body: { apps: [{ name: 'demo', platforms: ['ios', 'android'], channels: ['staging', 'production'] }] },
    });
    expect((await call('GET', '/v1/apps/demo')).body.app.name).toBe('demo');
    expect(await call('POST', '/v1/apps', { name: 'demo', platforms: ['ios'] })).toMatchObject({
      status: 409,
      body: { error: { message: 'app demo already exists' } },
    });
    expect(await call('POST', '/v1/apps', { name: 'x', platforms: 'ios' })).toMatchObject({
      status: 400,
      body: { error: { parameter: 'platforms' } },
    });
    expect(await call('GET', '/v1/apps/nobody')).toMatchObject({ status: 404 });
  });

  it('adds and removes channels and rotates keys', async () => {
    await call('POST', '/v1/apps', { name: 'demo', platforms: ['ios'] });
    const added = await call('POST', '/v1/apps/demo/channels', { name: 'beta' });
    expect(added.status).toBe(201);
    const oldKey = added.body.app.channels.beta.deploymentKeys.ios;
    const rotated = await call('POST', '/v1/apps/demo/channels/beta/keys', {});
    expect(rotated.body.app.channels.beta.deploymentKeys.ios).not.toBe(oldKey);
    expect(await readDeploymentKeyIndex(store, oldKey)).toBeNull();
    expect((await call('DELETE', '/v1/apps/demo/channels/beta')).body.app.channels).not.toHaveProperty('beta');
    expect(await call('DELETE', '/v1/apps/demo/channels/beta')).toMatchObject({ status: 404 });
  });
});

describe('publishBundle: releases', () => {
  beforeEach(async () => {
    await call('POST', '/v1/apps', { name: 'demo', platforms: ['ios'] });
    await seedStaging(store, 'demo', ['a', 'b']);
  });

  it('promotes staging to production with overrides, recording the app key', async () => {
    const promoted = await call('POST', '/v1/apps/demo/ios/staging/promote', {
      to: 'production',
      description: 'to prod',
      rollout: 20,
    });
    expect(promoted).toMatchObject({
      status: 201,
      body: {
        release: {
          label: 'v1',
          packageHash: 'b',
          description: 'to prod',
          rollout: 20,
          createdBy: APP_KEY,
          origin: { kind: 'promote', channel: 'staging', label: 'v2' },
        },
      },
    });
    expect(
      (await call('GET', '/v1/apps/demo/ios/production/history')).body.releases.map(
        (release: { label: string }) => release.label,
      ),
    ).toEqual(['v1']);
  });

  it('patches a rollout upwards, refuses to shrink it, and changes nothing on refusal', async () => {
    await call('POST', '/v1/apps/demo/ios/staging/promote', { to: 'production', rollout: 20 });
    expect(await call('PATCH', '/v1/apps/demo/ios/production/releases/v1', { rollout: 50 })).toMatchObject({
      status: 200,
      body: { release: { rollout: 50 } },
    });
    const before = await logLength('production');
    expect(await call('PATCH', '/v1/apps/demo/ios/production/releases/v1', { rollout: 10 })).toMatchObject({
      status: 409,
      body: { error: { message: 'rollout may only grow: v1 is at 50%, asked for 10%' } },
    });
    expect(
      await call('PATCH', '/v1/apps/demo/ios/production/releases/v1', { targetBinaryRange: 'not a range' }),
    ).toMatchObject({ status: 400 });
    expect(await call('PATCH', '/v1/apps/demo/ios/production/releases/v1', { rollout: '100' })).toMatchObject({
      status: 400,
      body: { error: { parameter: 'rollout' } },
    });
    expect(await logLength('production')).toBe(before);
  });

  it('rolls back as a new entry copying the previous release, or a named label', async () => {
    expect(await call('POST', '/v1/apps/demo/ios/staging/rollback', {})).toMatchObject({
      status: 201,
      body: { release: { label: 'v3', packageHash: 'a', origin: { kind: 'rollback', label: 'v1' } } },
    });
    expect(await call('POST', '/v1/apps/demo/ios/staging/rollback', { label: 'v2' })).toMatchObject({
      status: 201,
      body: { release: { label: 'v4', packageHash: 'b' } },
    });
  });

  it.each([
    ['promoting to the same channel', 'POST', '/v1/apps/demo/ios/staging/promote', { to: 'staging' }, 409],
    ['promoting to a channel that does not exist', 'POST', '/v1/apps/demo/ios/staging/promote', { to: 'beta' }, 404],
    [
      'promoting a label that does not exist',
      'POST',
      '/v1/apps/demo/ios/staging/promote',
      { to: 'production', label: 'v9' },
      404,
    ],
    [
      'promoting with a range that does not parse',
      'POST',
      '/v1/apps/demo/ios/staging/promote',
      { to: 'production', targetBinaryRange: '>>1' },
      400,
    ],
    ['rolling back to a label that does not exist', 'POST', '/v1/apps/demo/ios/staging/rollback', { label: 'v9' }, 404],
    ['rolling back to the latest', 'POST', '/v1/apps/demo/ios/staging/rollback', { label: 'v2' }, 409],
    [
      'patching a label that does not exist',
      'PATCH',
      '/v1/apps/demo/ios/staging/releases/v9',
      { mandatory: true },
      404,
    ],
    ['a deployment of an unknown platform', 'GET', '/v1/apps/demo/android/staging/history', undefined, 404],
    ['a malformed JSON body', 'POST', '/v1/apps/demo/ios/staging/rollback', 'not-an-object', 400],
  ])('refuses %s with %i and changes nothing', async (_case, method, path, body, status) => {
    const before = [await logLength('staging'), await logLength('production')];
    const answer = await call(method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toEqual(expect.any(String));
    expect([await logLength('staging'), await logLength('production')]).toEqual(before);
  });

  it('pages history newest first', async () => {
    await call('POST', '/v1/apps/demo/ios/staging/rollback', {});
    const first = await call('GET', '/v1/apps/demo/ios/staging/history', undefined, { limit: '2' });
    expect(first.body.releases.map((release: { label: string }) => release.label)).toEqual(['v3', 'v2']);
    const second = await call('GET', '/v1/apps/demo/ios/staging/history', undefined, {
      limit: '2',
      cursor: String(first.body.nextCursor),
    });
    expect(second.body).toEqual({ releases: [expect.objectContaining({ label: 'v1' })] });
    expect(await call('GET', '/v1/apps/demo/ios/staging/history', undefined, { limit: '0' })).toMatchObject({
      status: 400,
      body: { error: { parameter: 'limit' } },
    });
  });

  it('reports an upload outcome, and 404 while there is none', async () => {
    expect(
      await call('GET', '/v1/uploads/status', undefined, { key: 'uploads/demo/ios/a.zip', etag: 'ABC' }),
    ).toMatchObject({ status: 404 });
    await writeJson(store, storageKeys.uploadStatus('demo/ios/a.zip', 'ABC'), {
      status: 'rejected',
      uploadKey: 'uploads/demo/ios/a.zip',
      etag: 'ABC',
      at: 'now',
      reasons: ['x'],
    });
    expect(
      await call('GET', '/v1/uploads/status', undefined, { key: 'uploads/demo/ios/a.zip', etag: 'ABC' }),
    ).toMatchObject({ status: 200, body: { status: 'rejected', reasons: ['x'] } });
    expect(await call('GET', '/v1/uploads/status', undefined, { key: 'apps/demo.json', etag: 'ABC' })).toMatchObject({
      status: 400,
      body: { error: { parameter: 'key' } },
    });
  });
});

describe('publishBundle: builds', () => {
  beforeEach(async () => {
    await call('POST', '/v1/apps', { name: 'demo', platforms: ['ios'] });
  });

  it('refuses a build whose bundle is over the patch input limit (bsdiff would outgrow the function), writing nothing', async () => {
    const limit = patchLimits('publishBundle').maxInputBytes;
    const register = (bytes: number) =>
      call('POST', '/v1/apps/demo/ios/builds', {
        binaryVersion: '1.0.0',
        bundleGzipBase64: gzipSync(Buffer.alloc(bytes, 'a')).toString('base64'),
      });
    const refused = await register(limit + 1);
    expect(refused).toMatchObject({ status: 400, body: { error: { parameter: 'bundleGzipBase64' } } });
    expect(refused.body.error.message).toMatch(
      /^the bundle is over 24\.\d MB unzipped, the largest hotpatch makes patches from/,
    );
    expect((await store.list({ prefix: 'builds/' })).objects).toEqual([]);
    expect((await store.list({ prefix: 'build-bundles/' })).objects).toEqual([]);
    expect(await register(limit)).toMatchObject({ status: 201, body: { build: { id: 'binary-1.0.0', size: limit } } });
  });
});

describe('publishBundle: recent uploads', () => {
  it('lists a bounded number of outcomes per call, newest first, and says when there were more', async () => {
    const outcome = (name: string) => ({
      status: 'rejected',
      uploadKey: `uploads/demo/ios/${name}`,
      etag: 'E',
      at: '',
      reasons: ['x'],
    });
    // An app never collected: 5200 outcomes; the newest one written last.
    for (let n = 0; n < 5200; n += 1)
      await store.put(
        storageKeys.uploadStatus(`demo/ios/${String(n).padStart(5, '0')}.zip`, 'E'),
        JSON.stringify(outcome('old')),
      );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await writeJson(store, storageKeys.uploadStatus('demo/ios/00000-newest.zip', 'E'), outcome('newest'));
    let lists = 0;
    const counting: ObjectStore = {
      ...store,
      kind: store.kind,
      list: (options) => ((lists += 1), store.list(options)),
    };
    handle = createPublishBundleHandler({
      store: counting,
      config: loadPublishConfig({ HOTPATCH_APP_KEYS: `${APP_KEY}:${APP_SECRET}` }),
    });
    await call('POST', '/v1/apps', { name: 'demo', platforms: ['ios'] });
    lists = 0;
    const answer = await call('GET', '/v1/apps/demo/uploads', undefined, { limit: '2' });
    expect(answer).toMatchObject({ status: 200, body: { truncated: true } });
    expect(answer.body.uploads.map((each: { uploadKey: string }) => each.uploadKey)).toEqual([
      'uploads/demo/ios/newest',
      'uploads/demo/ios/old',
    ]);
    expect(lists).toBeLessThanOrEqual(5);
  });
});
