import { ObjectExistsError, readJson, writeJson, type ObjectStore } from '@hotpatch/common';
import {
  EMPTY_FOLD,
  FOLD_GENERATION_GRACE_MS,
  foldTotals,
  MAX_FOLD_BATCH,
  MAX_FOLD_RUN_MS,
  metricsKeys,
  nextFoldGeneration,
  parseFoldGeneration,
  parseMetricDeltas,
  seqOfLogKey,
  type DeploymentRef,
  type FoldGeneration,
  type HealthHistoryPoint,
  type MetricDeltas,
} from '@hotpatch/core';

/** Reads (and moves) this many report objects at a time. */
const IO_BATCH = 32;

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += IO_BATCH)
    results.push(...(await Promise.all(items.slice(start, start + IO_BATCH).map(work))));
  return results;
}

/** The deployment's generations, oldest first (a handful: superseded ones are pruned), and the newest one read. */
async function latestGeneration(
  store: ObjectStore,
  deployment: DeploymentRef,
): Promise<{ keys: string[]; latest: FoldGeneration }> {
  const page = await store.list({ prefix: metricsKeys.foldPrefix(deployment) });
  const keys = page.objects.map(({ key }) => key).filter((key) => seqOfLogKey(key) !== undefined);
  // More than a page of generations only when pruning has not run for a long while: follow the listing then.
  let token = page.nextContinuationToken;
  while (token) {
    const next = await store.list({ prefix: metricsKeys.foldPrefix(deployment), continuationToken: token });
    keys.push(...next.objects.map(({ key }) => key).filter((key) => seqOfLogKey(key) !== undefined));
    token = next.nextContinuationToken;
  }
  const newest = keys[keys.length - 1];
  const latest = newest === undefined ? null : await readJson(store, newest, parseFoldGeneration);
  return { keys, latest: latest ?? EMPTY_FOLD };
}

/**
 * Moves a committed generation's reports out of the listing path: copied to the archive (lossless until
 * `hotpatch gc`), then deleted. Idempotent, so the fold that committed and any later one may both run it.
 */
async function archiveBatch(store: ObjectStore, deployment: DeploymentRef, fold: FoldGeneration): Promise<void> {
  const prefix = metricsKeys.prefix(deployment);
  await inBatches(fold.batch, async (name) => {
    const key = prefix + name;
    await store.copy(key, metricsKeys.archivedReport(key));
    await store.delete(key);
  });
}

/** The raw reports not yet folded, in key order: up to `limit` names under the deployment's report prefix. */
async function pendingReports(
  store: ObjectStore,
  deployment: DeploymentRef,
  exclude: ReadonlySet<string>,
  limit: number,
): Promise<{ names: string[]; more: boolean }> {
  const prefix = metricsKeys.prefix(deployment);
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.list({ prefix, maxKeys: 1000, ...(token ? { continuationToken: token } : {}) });
    for (const { key } of page.objects) {
      const name = key.slice(prefix.length);
      if (exclude.has(name)) continue;
      if (names.length === limit) return { names, more: true };
      names.push(name);
    }
    token = page.nextContinuationToken;
  } while (token);
  return { names, more: false };
}

async function readReports(
  store: ObjectStore,
  deployment: DeploymentRef,
  names: readonly string[],
): Promise<{ name: string; deltas: MetricDeltas }[]> {
  const prefix = metricsKeys.prefix(deployment);
  const read = await inBatches(names, async (name) => ({
    name,
    deltas: await readJson(store, prefix + name, (json) =>
      parseMetricDeltas((json as { deltas?: unknown } | null)?.deltas),
    ),
  }));
  // A report gone between listing and reading was folded and moved by an overlapping fold: not ours to count.
  return read.filter((report): report is { name: string; deltas: MetricDeltas } => report.deltas !== null);
}

export interface FoldOutcome {
  /** Reports this run counted (committed). */
  folded: number;
  /** Generations this run committed. */
  generations: number;
  /** Whether another fold committed first (this run stopped without counting what it had read). */
  lostRace: boolean;
  /** Whether unfolded reports remain (the run's time or batch budget ran out). */
  more: boolean;
}

/**
 * Folds a deployment's raw reports into its totals, exactly once each:
 * 1. read the newest generation G and finish it (move its batch out of the listing path: a fold that crashed
 *    after committing G left them there);
 * 2. list up to `MAX_FOLD_BATCH` raw reports (never G's batch) and read them;
 * 3. claim generation G+1 with forbid-overwrite: totals of G plus these reports, and their names;
 * 4. move them out of the listing path; repeat while reports remain and time allows.
 * A crash before 3 counts nothing; after 3, the next fold finishes 4. Of two folds that read G, only one
 * claims G+1; the other stops. A fold that has run `MAX_FOLD_RUN_MS` (or reached `stopAt`, the timer run's
 * budget) stops before claiming, so pruning
 * generations older than `FOLD_GENERATION_GRACE_MS` can never hand a slow fold a free, stale number.
 */
export async function foldDeploymentMetrics(
  store: ObjectStore,
  deployment: DeploymentRef,
  now: () => Date,
  options: { batch?: number; stopAt?: number } = {},
): Promise<FoldOutcome & { latest: FoldGeneration }> {
  const started = now().getTime();
  const stopAt = Math.min(started + MAX_FOLD_RUN_MS, options.stopAt ?? Infinity);
  const outcome: FoldOutcome = { folded: 0, generations: 0, lostRace: false, more: false };
  let { keys, latest } = await latestGeneration(store, deployment);
  for (;;) {
    await archiveBatch(store, deployment, latest);
    const pending = await pendingReports(store, deployment, new Set(latest.batch), options.batch ?? MAX_FOLD_BATCH);
    outcome.more = pending.more;
    if (pending.names.length === 0) break;
    const reports = await readReports(store, deployment, pending.names);
    if (now().getTime() > stopAt) {
      outcome.more = true;
      break;
    }
    const next = nextFoldGeneration(latest, reports, now().toISOString());
    const key = metricsKeys.foldGeneration(deployment, next.generation);
    try {
      await writeJson(store, key, next, { forbidOverwrite: true });
    } catch (error) {
      if (!(error instanceof ObjectExistsError)) throw error;
      outcome.lostRace = true;
      break;
    }
    outcome.folded += reports.length;
    outcome.generations += 1;
    keys = [...keys, key];
    latest = next;
    await archiveBatch(store, deployment, latest);
    if (!pending.more) break;
  }
  await pruneGenerations(store, keys, latest, now());
  return { ...outcome, latest };
}

/** Deletes superseded generations committed more than the grace period ago (never the newest). */
async function pruneGenerations(
  store: ObjectStore,
  keys: readonly string[],
  latest: FoldGeneration,
  now: Date,
): Promise<void> {
  for (const key of keys) {
    const generation = seqOfLogKey(key)!;
    if (generation >= latest.generation) continue;
    const fold = await readJson(store, key, parseFoldGeneration);
    if (fold && now.getTime() - Date.parse(fold.at) > FOLD_GENERATION_GRACE_MS) await store.delete(key);
  }
}

/** A deployment's counters as readers see them: the newest generation plus the few reports not yet folded. */
export interface FoldedMetrics {
  counters: MetricDeltas[];
  foldedAt: string | undefined;
  /** The newest generation's health history (folded totals over time). */
  history: HealthHistoryPoint[];
  pendingReports: number;
  pendingMore: boolean;
}

/**
 * Up to this many unfolded reports are read and counted on top of the folded totals (a fresh deployment's
 * first reports show at once); beyond it they are only counted (the next fold adds them), so a read costs a
 * constant number of objects whatever the backlog.
 */
const PENDING_READ_LIMIT = 100;

/**
 * What `hotpatch metrics` and `hotpatch health` read: two listings and one generation object after a fold.
 * The raw reports are listed before the generation is read, and the generation's own batch is left out, so a
 * fold committing in between is never counted twice.
 */
export async function readFoldedMetrics(store: ObjectStore, deployment: DeploymentRef): Promise<FoldedMetrics> {
  const listed = await pendingReports(store, deployment, new Set(), 1000);
  const { latest } = await latestGeneration(store, deployment);
  const batch = new Set(latest.batch);
  const names = listed.names.filter((name) => !batch.has(name));
  const counted = names.length <= PENDING_READ_LIMIT ? await readReports(store, deployment, names) : [];
  return {
    counters: [foldTotals(latest), ...counted.map(({ deltas }) => deltas)],
    foldedAt: latest.generation === 0 ? undefined : latest.at,
    history: latest.history ?? [],
    pendingReports: names.length > PENDING_READ_LIMIT ? names.length : 0,
    pendingMore: listed.more,
  };
}
