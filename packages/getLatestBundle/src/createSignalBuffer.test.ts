import { createMemoryStore, listAllKeys, readJson, type ObjectStore } from '@hotpatch/common';
import { metricsKeys, parseMetricDeltas, type DeploymentRef } from '@hotpatch/core';
import { createSignalBuffer } from './createSignalBuffer';

const production: DeploymentRef = { app: 'shop', platform: 'ios', channel: 'production' };
const staging: DeploymentRef = { app: 'shop', platform: 'ios', channel: 'staging' };
const failed = new Map([['v3:DeploymentFailed', 1]]);

async function reports(store: ObjectStore, deployment: DeploymentRef) {
  const keys = await listAllKeys(store, { prefix: metricsKeys.prefix(deployment) });
  return Promise.all(
    keys.map((key) => readJson(store, key, (json) => Object.fromEntries(parseMetricDeltas((json as any).deltas)))),
  );
}

describe('createSignalBuffer', () => {
  it('writes nothing per signal: one report per deployment once the period is over, summed', async () => {
    const store = createMemoryStore();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const buffer = createSignalBuffer({ store, now: () => new Date(now), flushEverySeconds: 60 });
    for (let request = 0; request < 500; request += 1) buffer.add(production, failed);
    buffer.add(staging, failed);
    expect(await reports(store, production)).toEqual([]);
    now += 60_000;
    buffer.add(production, failed); // the first signal after the period flushes
    await buffer.flush();
    expect(await reports(store, production)).toEqual([{ 'v3:DeploymentFailed': 501 }]);
    expect(await reports(store, staging)).toEqual([{ 'v3:DeploymentFailed': 1 }]);
    expect(buffer.pending).toBe(0);
  });

  it('keeps the signals of a failed flush for the next one', async () => {
    const store = createMemoryStore();
    let failing = true;
    const flaky: ObjectStore = {
      ...store,
      kind: store.kind,
      put: (key, body, options) => (failing ? Promise.reject(new Error('OSS down')) : store.put(key, body, options)),
    };
    const buffer = createSignalBuffer({ store: flaky, now: () => new Date(), flushEverySeconds: 60 });
    buffer.add(production, failed);
    await buffer.flush();
    expect(buffer.pending).toBe(1);
    buffer.add(production, failed);
    failing = false;
    await buffer.flush();
    expect(await reports(store, production)).toEqual([{ 'v3:DeploymentFailed': 2 }]);
  });
});
