import { BadRequestError, ConflictError } from '../errors';
import { createMemoryStore } from '../storage/createMemoryStore';
import { CODEPUSH_DEPLOYMENT_KEY, storageKeys } from '@hotpatch/core';
import { readDeploymentKeyIndex } from '../testing/readDeploymentKeyIndex';
import { createAppRegistry, newDeploymentKey } from './createAppRegistry';

describe('createAppRegistry', () => {
  it('creates an app with staging and production and a distinct deployment key per platform and channel', async () => {
    const store = createMemoryStore();
    const registry = createAppRegistry(store, () => new Date('2026-11-27T00:00:00Z'));
    const app = await registry.create({ name: 'demo', platforms: ['android', 'ios'] });
    expect(app).toMatchObject({ name: 'demo', platforms: ['ios', 'android'], createdAt: '2026-11-27T00:00:00.000Z' });
    expect(Object.keys(app.channels)).toEqual(['staging', 'production']);
    const keys = Object.values(app.channels).flatMap((channel) => Object.values(channel.deploymentKeys));
    expect(new Set(keys).size).toBe(4);
    expect(await registry.get('demo')).toEqual(app);
    expect(await readDeploymentKeyIndex(store, app.channels.production!.deploymentKeys.ios!)).toEqual({
      app: 'demo',
      platform: 'ios',
      channel: 'production',
    });
  });

  it('refuses a taken name, an invalid name or platform; an unknown key is in no index', async () => {
    const store = createMemoryStore();
    const registry = createAppRegistry(store);
    await registry.create({ name: 'demo', platforms: ['ios'] });
    await expect(registry.create({ name: 'demo', platforms: ['ios'] })).rejects.toBeInstanceOf(ConflictError);
    await expect(registry.create({ name: '../evil', platforms: ['ios'] })).rejects.toBeInstanceOf(BadRequestError);
    await expect(registry.create({ name: 'ok', platforms: ['windows'] })).rejects.toThrow(
      'platform "windows" is not one of ios, android',
    );
    expect(await registry.get('missing')).toBeNull();
    expect(await readDeploymentKeyIndex(store, '0123456789abcdef0123')).toBeNull();
  });
});

describe('newDeploymentKey', () => {
  it('makes keys the CodePush routes accept', () => {
    for (let count = 0; count < 20; count += 1) expect(newDeploymentKey()).toMatch(CODEPUSH_DEPLOYMENT_KEY);
  });
});

describe('createAppRegistry changes', () => {
  it('adds a channel with keys that resolve, lists apps, rotates keys and removes a channel with its catalogs', async () => {
    const store = createMemoryStore();
    const registry = createAppRegistry(store);
    await registry.create({ name: 'demo', platforms: ['ios', 'android'] });
    await registry.create({ name: 'shop', platforms: ['android'] });
    expect((await registry.list()).map((app) => app.name)).toEqual(['demo', 'shop']);

    const withBeta = await registry.addChannel('demo', 'beta');
    const betaIosKey = withBeta.channels.beta!.deploymentKeys.ios!;
    expect(await readDeploymentKeyIndex(store, betaIosKey)).toEqual({ app: 'demo', platform: 'ios', channel: 'beta' });
    await expect(registry.addChannel('demo', 'beta')).rejects.toBeInstanceOf(ConflictError);
    await expect(registry.addChannel('demo', 'a/b')).rejects.toBeInstanceOf(BadRequestError);

    const rotated = await registry.rotateKeys('demo', 'beta', 'ios');
    expect(rotated.channels.beta!.deploymentKeys.ios).not.toBe(betaIosKey);
    expect(rotated.channels.beta!.deploymentKeys.android).toBe(withBeta.channels.beta!.deploymentKeys.android);
    expect(await readDeploymentKeyIndex(store, betaIosKey)).toBeNull();
    expect(await readDeploymentKeyIndex(store, rotated.channels.beta!.deploymentKeys.ios!)).toMatchObject({
      channel: 'beta',
    });

    const catalogKeys = (['ios', 'android'] as const).map((platform) =>
      storageKeys.catalog({ app: 'demo', platform, channel: 'beta' }),
    );
    for (const key of catalogKeys) await store.put(key, Buffer.from('{}'));
    const removed = await registry.removeChannel('demo', 'beta');
    for (const key of catalogKeys) expect(await store.head(key)).toBeNull();
    expect(Object.keys(removed.channels)).toEqual(['staging', 'production']);
    expect(await readDeploymentKeyIndex(store, rotated.channels.beta!.deploymentKeys.ios!)).toBeNull();
    await expect(registry.removeChannel('demo', 'beta')).rejects.toThrow('app demo has no channel "beta"');
    await expect(registry.rotateKeys('nobody', 'staging')).rejects.toThrow('unknown app "nobody"');
  });
});
