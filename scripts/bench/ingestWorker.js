'use strict';
// One measured ingest in a fresh process, after one warm-up ingest: node ingestWorker.js <zip> <warm-up zip>
const { createReadStream, mkdtempSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { createAppRegistry, createFsStore, createLogger } = require('@hotpatch/common');
const { processUpload } = require('@hotpatch/upload-bundle');

async function ingest(store, registry, config, zipPath, name, target) {
  const key = `uploads/bench/android/${name}.zip`;
  const { etag } = await store.put(key, createReadStream(zipPath), { metadata: { target } });
  const event = {
    eventName: 'ObjectCreated:PutObject',
    bucket: 'bench',
    key,
    size: statSync(zipPath).size,
    etag,
    eventTime: '',
    region: '',
  };
  // Only uploadBundle's own work is timed: the upload itself is the developer's.
  const started = process.hrtime.bigint();
  const outcome = await processUpload(event, {
    store,
    registry,
    config,
    logger: createLogger({ service: 'bench', level: 'error' }),
    now: () => new Date(),
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!outcome || outcome.status !== 'accepted') throw new Error(`ingest failed: ${JSON.stringify(outcome)}`);
  return ms;
}

async function main() {
  const [zipPath, warmUpZipPath] = process.argv.slice(2);
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-ingest-'));
  try {
    const store = createFsStore({ directory });
    const registry = createAppRegistry(store);
    await registry.create({ name: 'bench', platforms: ['android'] });
    const config = {
      uploadPrefix: 'uploads/',
      tempDirectory: directory,
      limits: {
        maxUploadBytes: 1 << 30,
        maxEntries: 100000,
        maxUncompressedBytes: 4 * 1024 ** 3,
        maxCompressionRatio: 200,
      },
    };
    // A warm instance: the first invocation's one-time costs (module JIT, registry read) are not the ingest.
    await ingest(store, registry, config, warmUpZipPath, 'warm-up', '0.x');
    // ru_maxrss survives execve on Linux (a child starts with its parent's peak), so sample our own RSS.
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 5);
    const ms = await ingest(store, registry, config, zipPath, 'measured', '1.x');
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    process.stdout.write(JSON.stringify({ ms, maxRssMb: peakRss / 1048576 }));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
