'use strict';
// Peak RSS of the built function artifacts under instance concurrency (docs/deploy.md, "Instance concurrency
// and memory"): a fresh `node` process loads artifacts/<function>/index.js, as FC does, and serves rounds of
// concurrent invocations against the local OSS server (running in this process, so it does not count).
// Usage: npm run build && node scripts/measureMemory.js [getLatestBundle concurrency, default 100]
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const path = require('node:path');
const { signApiGatewayRequest, writeJson } = require('@hotpatch/common');
const { startTestOssServer, TEST_BUCKET, TEST_CREDENTIALS } = require('@hotpatch/local/testing');

const ROOT = path.resolve(__dirname, '..');
const APPS = ['app-a', 'app-b', 'app-c'];
const PLATFORMS = ['ios', 'android'];
const CHANNELS = ['staging', 'production'];
const ROUNDS = 20;

/** A long release history (100 releases): a bigger catalog than most apps will have. */
function catalog(deployment) {
  const hash = (i) =>
    `${deployment.app}-${deployment.platform}-${deployment.channel}-${i}`
      .padEnd(64, '0')
      .replace(/[^0-9a-f]/g, 'a')
      .slice(0, 64);
  const releases = Array.from({ length: 100 }, (_, index) => ({
    label: `v${index + 1}`,
    seq: index + 1,
    packageHash: hash(index),
    archiveSha256: hash(index),
    contentKey: `packages/${hash(index)}/package.zip`,
    contentKind: 'zip',
    manifestKey: undefined,
    size: 2_000_000 + index,
    bundlePath: 'index.android.bundle',
    targetBinaryRange: `1.${Math.floor(index / 10)}.x`,
    description: `release ${index + 1}: fixes and improvements`,
    mandatory: index % 7 === 0,
    rollout: 100,
    disabled: false,
    signed: false,
    uploadId: undefined,
    createdAt: '2026-11-27T00:00:00.000Z',
    createdBy: 'bench',
  }));
  return { schemaVersion: 1, deployment, head: releases.length, releases };
}

/** The child: load the artifact, then ROUNDS rounds of `concurrency` concurrent invocations; report memory. */
const CHILD = `
const [file, kind, concurrencyText, rounds] = process.argv.slice(1);
const concurrency = Number(concurrencyText);
const before = process.memoryUsage().rss;
const { handler } = require(file);
let peak = process.memoryUsage().rss;
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => { const m = process.memoryUsage(); peak = Math.max(peak, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); }, 2);
const credentials = JSON.parse(process.env.CREDENTIALS);
process.once('message', (events) => (async () => {
  const loaded = process.memoryUsage().rss;
  let served = 0;
  for (let round = 0; round < Number(rounds); round += 1) {
    const answers = await Promise.all(Array.from({ length: concurrency }, (_, i) => {
      const event = events[(round * concurrency + i) % events.length];
      return handler(Buffer.from(JSON.stringify(event)), { requestId: round + '-' + i, credentials });
    }));
    // Every invocation must be served as a device or operator would want it: a measurement of errors is none.
    for (const answer of answers) if (answer.statusCode !== 200) throw new Error(JSON.stringify(answer));
    served += answers.length;
  }
  clearInterval(sampler);
  const m = process.memoryUsage();
  process.send({ served, beforeLoadMb: before / 1048576, loadedMb: loaded / 1048576, peakRssMb: Math.max(peak, m.rss) / 1048576, peakHeapMb: Math.max(peakHeap, m.heapUsed) / 1048576 }, () => process.exit(0));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); }));`;

function measure(name, events, concurrency, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-e', CHILD, path.join(ROOT, 'artifacts', name, 'index.js'), name, String(concurrency), String(ROUNDS)],
      {
        env: { PATH: process.env.PATH, ...env, CREDENTIALS: JSON.stringify(TEST_CREDENTIALS) },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    let stderr = '';
    let result;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('message', (message) => (result = message));
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`${name}: ${stderr}`))));
    // The events travel over IPC (too large for the command line); the child's memory counts from before it loads them.
    child.send(events);
  });
}

const apiEvent = (method, requestPath, query, headers = {}) => ({
  httpMethod: method,
  path: requestPath,
  headers,
  queryParameters: query,
  pathParameters: {},
  body: '',
  isBase64Encoded: false,
});

async function main() {
  const checkConcurrency = Number(process.argv[2] ?? 100);
  const server = await startTestOssServer();
  try {
    const store = server.store(TEST_BUCKET);
    const deployments = APPS.flatMap((app) =>
      PLATFORMS.flatMap((platform) => CHANNELS.map((channel) => ({ app, platform, channel }))),
    );
    for (const deployment of deployments)
      await writeJson(
        store,
        `catalogs/${deployment.app}/${deployment.platform}/${deployment.channel}.json`,
        catalog(deployment),
      );
    const env = {
      HOTPATCH_OSS_BUCKET: TEST_BUCKET,
      HOTPATCH_OSS_ENDPOINT: server.url,
      HOTPATCH_LOG_LEVEL: 'info',
      HOTPATCH_APP_KEYS: 'bench-key:bench-secret-0123456789',
    };
    const checks = Array.from({ length: 1000 }, (_, i) => {
      const deployment = deployments[i % deployments.length];
      return apiEvent('GET', '/v1/check', { ...deployment, appVersion: `1.${i % 10}.0`, clientId: `device-${i}` });
    });
    const rows = [];
    for (const [label, extra] of [
      ['catalog TTL 10 s (default)', {}],
      ['catalog TTL 0 (every check revalidates)', { HOTPATCH_CATALOG_TTL_SECONDS: '0' }],
    ]) {
      rows.push({
        fn: 'getLatestBundle',
        load: `${ROUNDS} × ${checkConcurrency} concurrent GET /v1/check, 12 catalogs of 100 releases, ${label}`,
        ...(await measure('getLatestBundle', checks, checkConcurrency, { ...env, ...extra })),
      });
    }
    // Signed management reads: each claims a nonce in OSS and lists or reads the registry.
    const manage = Array.from({ length: 200 }, (_, i) => {
      const requestPath = i % 2 === 0 ? '/v1/apps' : '/v1/manage/health';
      return apiEvent(
        'GET',
        requestPath,
        {},
        signApiGatewayRequest({
          appKey: 'bench-key',
          appSecret: 'bench-secret-0123456789',
          method: 'GET',
          path: requestPath,
          nonce: randomUUID(),
        }),
      );
    });
    rows.push({
      fn: 'publishBundle',
      load: `${ROUNDS} × 10 concurrent signed GET /v1/apps and /v1/manage/health`,
      ...(await measure('publishBundle', manage.slice(0, ROUNDS * 10), 10, env)),
    });
    process.stdout.write(
      [
        '| function | load | RSS after load | peak RSS | peak heap |',
        '| --- | --- | --- | --- | --- |',
        ...rows.map(
          (row) =>
            `| ${row.fn} | ${row.load} | ${row.loadedMb.toFixed(0)} MB | ${row.peakRssMb.toFixed(0)} MB | ${row.peakHeapMb.toFixed(0)} MB |`,
        ),
      ].join('\n') + '\n',
    );
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
