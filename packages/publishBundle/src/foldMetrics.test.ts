import { createMemoryStore, listAllKeys, writeJson, type ObjectStore } from '@hotpatch/common';
import { metricsKeys, summarizeMetrics, type DeploymentRef } from '@hotpatch/core';
import { foldDeploymentMetrics, readFoldedMetrics } from './foldMetrics';

const deployment: DeploymentRef = { app: 'shop', platform: 'ios', channel: 'production' };
const clock = () => new Date('2026-01-01T00:00:00Z');

/** `count` raw reports as the report path writes them: each one installed v1. */
async function seedReports(store: ObjectStore, count: number, from = 0): Promise<void> {
  for (let index = from; index < from + count; index += 1)
    await writeJson(
      store,
      metricsKeys.report(deployment, new Date(Date.UTC(2026, 0, 1, 0, 0, 0, index)), String(index).padStart(16, '0')),
      { at: '2026-01-01T00:00:00.000Z', deltas: { 'v1:Active': 1, 'v1:DeploymentSucceeded': 1 } },
    );
}

const installed = async (store: ObjectStore) =>
  summarizeMetrics((await readFoldedMetrics(store, deployment)).counters).get('v1')?.installed ?? 0;
const rawLeft = async (store: ObjectStore) =>
  (await listAllKeys(store, { prefix: metricsKeys.prefix(deployment) })).length;

/** Counts what a read fetches: object GETs by prefix, and listings. */
function counting(store: ObjectStore) {
  const gets: string[] = [];
  let lists = 0;
  const wrapped: ObjectStore = {
    ...store,
    kind: store.kind,
    get: (key, options) => {
      gets.push(key);
      return store.get(key, options);
    },
    list: (options) => {
      lists += 1;
      return store.list(options);
    },
  };
  return { store: wrapped, gets, lists: () => lists };
}

describe('foldDeploymentMetrics', () => {
  it('folds every raw report once, moves them out of the listing path, and metrics then reads one object', async () => {
    const store = createMemoryStore();
    await seedReports(store, 250);
    const outcome = await foldDeploymentMetrics(store, deployment, clock, { batch: 100 });
    expect(outcome).toMatchObject({ folded: 250, generations: 3, lostRace: false, more: false });
    expect(await rawLeft(store)).toBe(0);
    // Lossless: every raw report is kept in the archive until gc.
    expect(await listAllKeys(store, { prefix: metricsKeys.archivePrefix() })).toHaveLength(250);
    const counted = counting(store);
    const read = await readFoldedMetrics(counted.store, deployment);
    expect(summarizeMetrics(read.counters).get('v1')).toEqual({
      active: 250,
      downloaded: 0,
      installed: 250,
      failed: 0,
    });
    expect(counted.gets).toEqual([metricsKeys.foldGeneration(deployment, 3)]);
    expect(read.pendingReports).toBe(0);
  });

  it('counts a report exactly once when a fold crashes after committing, before moving its batch', async () => {
    const store = createMemoryStore();
    await seedReports(store, 40);
    // Fault injection: the first fold dies at its first move after the commit (the process is gone).
    let crash = true;
    const crashing: ObjectStore = {
      ...store,
      kind: store.kind,
      copy: (source, target, options) => {
        if (crash) throw new Error('instance reclaimed');
        return store.copy(source, target, options);
      },
    };
    await expect(foldDeploymentMetrics(crashing, deployment, clock)).rejects.toThrow('instance reclaimed');
    expect(await rawLeft(store)).toBe(40); // committed but not moved
    expect(await installed(store)).toBe(40); // the reader leaves the committed batch out: no double count
    crash = false;
    await seedReports(store, 5, 40);
    const rerun = await foldDeploymentMetrics(store, deployment, clock);
    expect(rerun.folded).toBe(5);
    expect(await rawLeft(store)).toBe(0);
    expect(await installed(store)).toBe(45);
  });

  it('counts nothing twice when two folds overlap: one commits each generation, the other stops', async () => {
    const store = createMemoryStore();
    await seedReports(store, 300);
    const runs = await Promise.all([
      foldDeploymentMetrics(store, deployment, clock, { batch: 50 }),
      foldDeploymentMetrics(store, deployment, clock, { batch: 50 }),
      foldDeploymentMetrics(store, deployment, clock, { batch: 50 }),
    ]);
    expect(runs.some((run) => run.lostRace)).toBe(true);
    // Whatever the interleaving, a last fold finds the rest, and the total is every report once.
    await foldDeploymentMetrics(store, deployment, clock);
    expect(await rawLeft(store)).toBe(0);
    expect(await installed(store)).toBe(300);
  });

  it('does not commit after running longer than the limit, and prunes superseded generations after the grace period', async () => {
    const store = createMemoryStore();
    await seedReports(store, 10);
    let now = Date.parse('2026-01-01T00:00:00Z');
    // The clock jumps while the fold reads: as a fold stalled for three minutes (past MAX_FOLD_RUN_MS).
    const stalling: ObjectStore = {
      ...store,
      kind: store.kind,
      get: (key, options) => {
        now += 3 * 60 * 1000;
        return store.get(key, options);
      },
    };
    const stalled = await foldDeploymentMetrics(stalling, deployment, () => new Date(now));
    expect(stalled).toMatchObject({ folded: 0, more: true });
    expect(await installed(store)).toBe(10); // still counted as pending by readers
    for (let round = 0; round < 3; round += 1) {
      await seedReports(store, 1, 100 + round);
      await foldDeploymentMetrics(store, deployment, () => new Date(now));
      now += 11 * 60 * 1000;
    }
    await foldDeploymentMetrics(store, deployment, () => new Date(now));
    expect(await listAllKeys(store, { prefix: metricsKeys.foldPrefix(deployment) })).toEqual([
      metricsKeys.foldGeneration(deployment, 3),
    ]);
    expect(await installed(store)).toBe(13);
  });
});
