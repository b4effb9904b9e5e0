import { planRelease, storageKeys, type Catalog, type ReleaseCandidate } from '@hotpatch/core';
import { StorageError } from '../errors';
import { createMemoryStore } from '../storage/createMemoryStore';
import { readJson, writeJson } from '../storage/readJson';
import { appendToLog } from './appendToLog';
import { loadDeploymentState } from './loadDeploymentState';

const deployment = { app: 'demo', platform: 'android' as const, channel: 'staging' };
const candidate = (hash: string): ReleaseCandidate => ({
  packageHash: hash,
  archiveSha256: hash,
  contentKey: `packages/${hash}/package.zip`,
  contentKind: 'zip',
  manifestKey: undefined,
  size: 1,
  bundlePath: 'index.android.bundle',
  targetBinaryRange: '1.x',
  description: '',
  mandatory: false,
  rollout: 100,
  disabled: false,
  signed: false,
  uploadId: `u/${hash}@E`,
});

const releaseDecision = (hash: string) => (state: Catalog) => {
  const plan = planRelease(state, candidate(hash), '2026-11-27T00:00:00.000Z', 'test');
  return plan.kind === 'append'
    ? { append: plan.entry, outcome: () => plan.entry.release.label }
    : { skip: `${plan.kind}:${plan.release.label}` };
};

const readCatalog = (store: ReturnType<typeof createMemoryStore>) =>
  readJson(store, storageKeys.catalog(deployment), (json) => json as Catalog);

describe('appendToLog', () => {
  it('gives 20 concurrent writers 20 distinct labels and a catalog listing all of them', async () => {
    const store = createMemoryStore();
    const labels = await Promise.all(
      Array.from({ length: 20 }, (_, index) => appendToLog(store, deployment, releaseDecision(`hash${index}`))),
    );
    expect(new Set(labels).size).toBe(20);
    expect([...(labels as string[])].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))).toEqual(
      Array.from({ length: 20 }, (_, index) => `v${index + 1}`),
    );
    const catalog = await readCatalog(store);
    expect(catalog?.head).toBe(20);
    expect(catalog?.releases.map((release) => release.label)).toEqual(
      Array.from({ length: 20 }, (_, index) => `v${index + 1}`),
    );
    expect(new Set(catalog?.releases.map((release) => release.packageHash)).size).toBe(20);
  });

  it('lets the next writer heal a catalog that a crashed writer never published', async () => {
    const store = createMemoryStore();
    await appendToLog(store, deployment, releaseDecision('first'));
    // A writer appended entry 2 and died before compiling.
    const orphan = planRelease(await loadDeploymentState(store, deployment), candidate('orphan'), 'now', 'crashed');
    if (orphan.kind !== 'append') throw new Error('expected an append');
    await writeJson(store, storageKeys.logEntry(deployment, 2), orphan.entry, { forbidOverwrite: true });
    expect((await readCatalog(store))?.head).toBe(1);

    expect(await appendToLog(store, deployment, releaseDecision('third'))).toBe('v3');
    expect((await readCatalog(store))?.releases.map((release) => release.packageHash)).toEqual([
      'first',
      'orphan',
      'third',
    ]);
  });

  it('answers a skip decision without appending, and still publishes the current state', async () => {
    const store = createMemoryStore();
    await appendToLog(store, deployment, releaseDecision('a'));
    expect(await appendToLog(store, deployment, releaseDecision('a'))).toBe('alreadyReleased:v1');
    expect((await store.list({ prefix: storageKeys.logPrefix(deployment) })).objects).toHaveLength(1);
  });

  it('refuses to compile a corrupt log entry', async () => {
    const store = createMemoryStore();
    await store.put(storageKeys.logEntry(deployment, 1), Buffer.from('{"seq":1,"type":"mystery"}'));
    await expect(appendToLog(store, deployment, releaseDecision('a'))).rejects.toBeInstanceOf(StorageError);
  });
});
