'use strict';
// Metrics benchmark (issue 13): what `hotpatch metrics` reads over 100,000 status reports after a fold (target:
// at most 2 objects), and the fold's throughput in reports per second against the same-run baseline of only
// listing those reports. In memory (100,000: the code's own cost) and against the local OSS server over HTTP
// (10,000: OSS's protocol, signatures and a filesystem behind it).
const path = require('node:path');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { createMemoryStore, createOssHttpStore, listAllKeys, writeJson } = require('@hotpatch/common');
const { metricsKeys, summarizeMetrics } = require('@hotpatch/core');
const { startTestOssServer, TEST_BUCKET, TEST_CREDENTIALS } = require('@hotpatch/local/testing');
const { foldDeploymentMetrics, readFoldedMetrics } = require('../../packages/publishBundle/dist/foldMetrics');

const deployment = { app: 'bench', platform: 'android', channel: 'production' };
const SEED_BATCH = 64;

async function seed(store, count) {
  const base = Date.UTC(2026, 0, 1);
  for (let start = 0; start < count; start += SEED_BATCH) {
    const writes = [];
    for (let index = start; index < Math.min(count, start + SEED_BATCH); index += 1)
      writes.push(
        writeJson(store, metricsKeys.report(deployment, new Date(base + index), String(index).padStart(16, '0')), {
          at: new Date(base + index).toISOString(),
          deltas: index % 10 === 0 ? { 'v3:DeploymentFailed': 1 } : { 'v3:Active': 1, 'v3:DeploymentSucceeded': 1 },
        }),
      );
    await Promise.all(writes);
  }
}

/** The store, counting object GETs and listings. */
function counting(store) {
  const counts = { gets: 0, lists: 0 };
  return {
    counts,
    store: {
      ...store,
      kind: store.kind,
      get: (key, options) => ((counts.gets += 1), store.get(key, options)),
      list: (options) => ((counts.lists += 1), store.list(options)),
    },
  };
}

const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;

async function measure(store, count) {
  await seed(store, count);
  let started = process.hrtime.bigint();
  const listed = (await listAllKeys(store, { prefix: metricsKeys.prefix(deployment) })).length;
  const listRate = listed / seconds(started);
  const before = counting(store);
  await readFoldedMetrics(before.store, deployment);
  started = process.hrtime.bigint();
  // Runs as many folds (each stops after MAX_FOLD_RUN_MS) as it takes to count every report.
  let folded = 0;
  for (;;) {
    const outcome = await foldDeploymentMetrics(store, deployment, () => new Date());
    folded += outcome.folded;
    if (!outcome.more) break;
  }
  const foldRate = folded / seconds(started);
  const after = counting(store);
  started = process.hrtime.bigint();
  const read = await readFoldedMetrics(after.store, deployment);
  const readMs = seconds(started) * 1000;
  const v3 = summarizeMetrics(read.counters).get('v3');
  if (folded !== count || v3.installed + v3.failed !== count)
    throw new Error(`counted ${JSON.stringify(v3)} of ${count}`);
  return { listRate, foldRate, before: before.counts, after: after.counts, readMs };
}

function row(name, count, result) {
  const rate = (value) => Math.round(value).toLocaleString('en');
  return `| ${name} | ${count.toLocaleString('en')} | ${result.before.gets} GET, ${result.before.lists} LIST | ${result.after.gets} GET, ${result.after.lists} LIST (${result.readMs.toFixed(1)} ms) | ${rate(result.listRate)} /s | ${rate(result.foldRate)} /s | ${(result.listRate / result.foldRate).toFixed(1)}× |`;
}

async function runMetricsBenchmark() {
  const memoryCount = Number(process.env.BENCH_REPORTS ?? 100000);
  const ossCount = Number(process.env.BENCH_OSS_REPORTS ?? 10000);
  const rows = [row('memory store', memoryCount, await measure(createMemoryStore(), memoryCount))];
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-metrics-'));
  const server = await startTestOssServer({ dataDir: directory });
  try {
    const store = createOssHttpStore({
      bucket: TEST_BUCKET,
      endpoint: server.url,
      credentials: () => TEST_CREDENTIALS,
      downloadUrl: { mode: 'public', baseUrl: `${server.url}/${TEST_BUCKET}` },
    });
    rows.push(row('local OSS server (HTTP)', ossCount, await measure(store, ossCount)));
  } finally {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
  return {
    title: 'Metrics over many status reports: objects read, fold throughput',
    lines: [
      '| store | reports | `hotpatch metrics` reads before the fold | after the fold (target ≤ 2 objects) | baseline: listing them | fold (read, total, move) | listing / fold |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ],
  };
}

module.exports = { runMetricsBenchmark };
