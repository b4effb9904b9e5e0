import { createMemoryStore, readJson, type ObjectStore } from '@hotpatch/common';
import { parseLogEntry } from '@hotpatch/core';
import { createPublishBundleHandler } from './createPublishBundleHandler';
import { loadPublishConfig } from './loadPublishConfig';
import { seedStaging, signedCall } from './testing/managementTestKit';

const SECRET = 'a-secret-of-16-chars';
/** One key per role as HOTPATCH_APP_KEYS configures them; `owner` has no scope, so it is admin on every app. */
const APP_KEYS = [
  `owner:${SECRET}`,
  `shop-admin:${SECRET}:admin:shop`,
  `releaser:${SECRET}:release:shop`,
  `viewer:${SECRET}:read:shop|web`,
].join(',');

let store: ObjectStore;
let handle: ReturnType<typeof createPublishBundleHandler>;

/** A call signed as the CLI signs it, errors mapped as at the edge. */
const call = (key: string, method: string, path: string, body?: unknown, query: Record<string, string> = {}) =>
  signedCall(handle, { key, secret: SECRET }, method, path, body, query);

const logKeys = async (app: string) =>
  (await store.list({ prefix: `logs/${app}/` })).objects.map((object) => object.key);

beforeEach(async () => {
  store = createMemoryStore();
  handle = createPublishBundleHandler({ store, config: loadPublishConfig({ HOTPATCH_APP_KEYS: APP_KEYS }) });
  for (const app of ['shop', 'bank']) {
    expect((await call('owner', 'POST', '/v1/apps', { name: app, platforms: ['ios'] })).status).toBe(201);
    await seedStaging(store, app, ['a', 'b'], { principalId: '2041', sourceIp: '140.205.1.2' });
  }
});

/** One request per route class, on `app`; each succeeds for a key allowed to make it. */
const requests = (app: string): [string, string, string, unknown?, Record<string, string>?][] => [
  ['showApp', 'GET', `/v1/apps/${app}`],
  ['history', 'GET', `/v1/apps/${app}/ios/staging/history`],
  ['metrics', 'GET', `/v1/apps/${app}/ios/staging/metrics`],
  ['uploadStatus', 'GET', '/v1/uploads/status', undefined, { key: `uploads/${app}/ios/a.zip`, etag: 'ABC' }],
  ['promote', 'POST', `/v1/apps/${app}/ios/staging/promote`, { to: 'production' }],
  ['patch', 'PATCH', `/v1/apps/${app}/ios/staging/releases/v2`, { mandatory: true }],
  ['rollback', 'POST', `/v1/apps/${app}/ios/staging/rollback`, {}],
  ['addChannel', 'POST', `/v1/apps/${app}/channels`, { name: 'beta' }],
  ['rotateKeys', 'POST', `/v1/apps/${app}/channels/staging/keys`, {}],
  ['removeChannel', 'DELETE', `/v1/apps/${app}/channels/production`],
];
const READ = ['showApp', 'history', 'metrics', 'uploadStatus'];
const RELEASE = [...READ, 'promote', 'patch', 'rollback'];
const ADMIN = [...RELEASE, 'addChannel', 'rotateKeys', 'removeChannel'];

describe('management key roles', () => {
  it.each([
    ['viewer', 'read', READ],
    ['releaser', 'release', RELEASE],
    ['shop-admin', 'admin', ADMIN],
    ['owner', 'admin', ADMIN],
  ])('lets %s (role %s) do exactly what its role allows on an app in its scope', async (key, role, allowedActions) => {
    for (const [action, method, path, body, query] of requests('shop')) {
      const answer = await call(key, method, path, body, query);
      if (allowedActions.includes(action)) expect([action, answer.status]).not.toEqual([action, 403]);
      else
        expect([action, answer]).toEqual([
          action,
          {
            status: 403,
            body: {
              error: {
                code: 'Forbidden',
                message: expect.stringMatching(
                  new RegExp(
                    `^key "${key}" may not .*: needs role (release|admin) on app shop \\(it has ${role} on shop`,
                  ),
                ),
              },
            },
          },
        ]);
    }
  });

  it('refuses every route class on an app outside the key scope, naming the permission, and writes nothing', async () => {
    const before = await logKeys('bank');
    for (const key of ['viewer', 'releaser', 'shop-admin']) {
      for (const [, method, path, body, query] of requests('bank')) {
        const answer = await call(key, method, path, body, query);
        expect(answer.status).toBe(403);
        expect(answer.body.error.message).toMatch(
          new RegExp(`^key "${key}" may not .*: needs role (read|release|admin) on app bank`),
        );
      }
    }
    expect(await logKeys('bank')).toEqual(before);
    expect((await call('owner', 'GET', '/v1/apps/bank')).body.app.channels).toHaveProperty('production');
  });

  it('says which role is missing, as the permission table defines it', async () => {
    expect(await call('viewer', 'POST', '/v1/apps/shop/ios/staging/promote', { to: 'production' })).toEqual({
      status: 403,
      body: {
        error: {
          code: 'Forbidden',
          message: 'key "viewer" may not promote: needs role release on app shop (it has read on shop, web)',
        },
      },
    });
    expect((await call('releaser', 'POST', '/v1/apps', { name: 'shop2', platforms: ['ios'] })).body.error.message).toBe(
      'key "releaser" may not create apps: needs role admin on app shop2 (it has release on shop)',
    );
  });

  it('lets an admin create apps only inside its scope; an unscoped key anywhere', async () => {
    expect((await call('shop-admin', 'POST', '/v1/apps', { name: 'web', platforms: ['ios'] })).status).toBe(403);
    expect(await call('owner', 'POST', '/v1/apps', { name: 'web', platforms: ['ios'] })).toMatchObject({ status: 201 });
  });

  it('lists only the apps in the key scope', async () => {
    await call('owner', 'POST', '/v1/apps', { name: 'web', platforms: ['android'] });
    const names = async (key: string) =>
      (await call(key, 'GET', '/v1/apps')).body.apps.map((app: { name: string }) => app.name).sort();
    expect(await names('viewer')).toEqual(['shop', 'web']);
    expect(await names('releaser')).toEqual(['shop']);
    expect(await names('owner')).toEqual(['bank', 'shop', 'web']);
  });
});

describe('actors', () => {
  it('records the key that made each change in the log entry, and history shows it', async () => {
    await call('releaser', 'POST', '/v1/apps/shop/ios/staging/promote', { to: 'production', rollout: 20 });
    await call('owner', 'PATCH', '/v1/apps/shop/ios/production/releases/v1', { rollout: 50 });
    const entries = await Promise.all(
      (await logKeys('shop/ios/production')).map(async (key) => (await readJson(store, key, parseLogEntry))!),
    );
    expect(entries.map((entry) => [entry.type, entry.actor])).toEqual([
      ['release', { key: 'releaser' }],
      ['patch', { key: 'owner' }],
    ]);
    const history = await call('viewer', 'GET', '/v1/apps/shop/ios/production/history');
    expect(history.body.releases[0]).toMatchObject({
      label: 'v1',
      createdBy: 'releaser',
      actor: { key: 'releaser' },
      lastPatch: { by: 'owner', actor: { key: 'owner' } },
    });
    const staging = await call('viewer', 'GET', '/v1/apps/shop/ios/staging/history');
    expect(staging.body.releases[0]).toMatchObject({
      label: 'v2',
      createdBy: 'uploadBundle',
      actor: { principalId: '2041', sourceIp: '140.205.1.2' },
    });
  });
});
