'use strict';
// HTTP benchmark (issue 4): GET /v1/check through the local stack (API front → API Gateway event →
// getLatestBundle → cached catalog → decision) against a bare node:http server answering a constant JSON body
// of the same size, both measured here in the same run with autocannon at 1, 10 and 100 connections.
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const OSS = require('ali-oss');
const autocannon = require('autocannon');
const { createLocalStack, DEV_APP_KEY, DEV_CREDENTIALS } = require('@hotpatch/local');
const { createLogger } = require('@hotpatch/common');
const { makeZip } = require('@hotpatch/upload-bundle/testing');

const CONNECTIONS = [1, 10, 100];
const DURATION_SECONDS = 5;
const MAIN = path.resolve(__dirname, '../../packages/local/dist/main.js');

function startProcess(args, env, ready) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = ready(output);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before it was ready:\n${output}`)));
  });
}

const BARE_SERVER = `
const body = Buffer.from(process.env.BODY);
require('node:http').createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  response.end(body);
}).listen(0, '127.0.0.1', function () { console.log('listening ' + this.address().port); });`;

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(url, connections, serverPid) {
  const cpuBefore = cpuSeconds(serverPid);
  const result = await autocannon({ url, connections, duration: DURATION_SECONDS, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const cpuMicrosPerRequest = ((cpuSeconds(serverPid) - cpuBefore) * 1e6) / result.requests.total;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpu: cpuMicrosPerRequest };
}

/** Invocations per second of getLatestBundle's FC handler alone, in process: its own cost, no HTTP. */
async function functionAlone() {
  const {
    createAppRegistry,
    createCredentialsSource,
    createFcHttpHandler,
    createLogger: logger,
    createMemoryStore,
    writeJson,
  } = require('@hotpatch/common');
  const { createGetLatestBundleHandler } = require('@hotpatch/get-latest-bundle');
  const { catalogForCase } = require('@hotpatch/core/testing');
  const store = createMemoryStore();
  const deployment = { app: 'bench', platform: 'android', channel: 'staging' };
  await createAppRegistry(store).create({ name: 'bench', platforms: ['android'] });
  await writeJson(
    store,
    'catalogs/bench/android/staging.json',
    catalogForCase({ releases: [{ range: '1.x', content: 'a' }] }, deployment),
  );
  const handler = createFcHttpHandler({
    functionName: 'getLatestBundle',
    logger: logger({ service: 'bench', level: 'warn' }),
    credentials: createCredentialsSource({}),
    handle: () => createGetLatestBundleHandler({ store, config: { catalogTtlMs: 3_600_000 } }),
  });
  const event = Buffer.from(
    JSON.stringify({
      path: '/v1/check',
      httpMethod: 'GET',
      headers: { host: 'api', 'user-agent': 'bench' },
      queryParameters: {
        app: 'bench',
        platform: 'android',
        channel: 'staging',
        appVersion: '1.2.0',
        clientId: 'device-1',
      },
      pathParameters: {},
      body: '',
      isBase64Encoded: false,
    }),
  );
  const context = { requestId: 'bench' };
  for (let index = 0; index < 20_000; index += 1) await handler(event, context);
  const count = 200_000;
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) await handler(event, context);
  return (count / Number(process.hrtime.bigint() - started)) * 1e9;
}

/** OSS GETs that 1,000 checks of one deployment cost within one cache period (in-process stack). */
async function storageReadsPer1000Checks() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-reads-'));
  const stack = await createLocalStack({
    dataDir,
    port: 0,
    ossPort: 0,
    bucket: 'hotpatch',
    credentials: DEV_CREDENTIALS,
    appKey: DEV_APP_KEY,
    logger: createLogger({ service: 'bench', level: 'error' }),
    // The production TTL: the local stack's default of 0 revalidates on every check.
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '10' },
  });
  try {
    await stack.registry.create({ name: 'bench', platforms: ['android'] });
    const client = new OSS({ endpoint: stack.ossUrl, bucket: 'hotpatch', ...DEV_CREDENTIALS });
    await client.put('uploads/bench/android/a.zip', await makeZip({ 'index.android.bundle': 'x' }), {
      meta: { target: '1.x' },
    });
    await stack.triggers.idle();
    const before = stack.oss.requestCounts().GET ?? 0;
    for (let index = 0; index < 1000; index += 1) {
      const response = await fetch(
        `${stack.apiUrl}/v1/check?app=bench&platform=android&channel=staging&appVersion=1.2.0&clientId=device-${index}`,
      );
      if (response.status !== 200) throw new Error(`check answered ${response.status}`);
      await response.arrayBuffer();
    }
    return (stack.oss.requestCounts().GET ?? 0) - before;
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runHttpBenchmark() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-http-'));
  const children = [];
  try {
    const stack = await startProcess(
      [MAIN],
      {
        HOTPATCH_DATA_DIR: dataDir,
        HOTPATCH_PORT: '0',
        HOTPATCH_OSS_PORT: '0',
        HOTPATCH_APPS: 'bench:android',
        // Measure the check path as deployed (the local stack defaults to 0: a revalidation per check).
        HOTPATCH_CATALOG_TTL_SECONDS: '10',
      },
      (output) => {
        const api = /API \(gateway\):\s+(\S+)/.exec(output);
        const oss = /OSS endpoint:\s+(\S+)/.exec(output);
        return api && oss && /data folder/.test(output) ? { api: api[1], oss: oss[1] } : undefined;
      },
    );
    children.push(stack.child);
    const client = new OSS({ endpoint: stack.match.oss, bucket: 'hotpatch', ...DEV_CREDENTIALS });
    await client.put('uploads/bench/android/release.zip', await makeZip({ 'index.android.bundle': 'console.log(1)' }), {
      meta: { target: '1.x', description: 'benchmark release' },
    });
    const url = `${stack.match.api}/v1/check?app=bench&platform=android&channel=staging&appVersion=1.2.0&clientId=device-1`;
    let body = '';
    for (let attempt = 0; attempt < 100 && !body.includes('"update"'); attempt += 1) {
      body = await (await fetch(url)).text();
      if (!body.includes('"update"')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!body.includes('"update"')) throw new Error(`the benchmark release never appeared: ${body}`);

    const bare = await startProcess(
      ['-e', BARE_SERVER],
      { BODY: body },
      (output) => /listening (\d+)/.exec(output)?.[1],
    );
    children.push(bare.child);
    const bareUrl = `http://127.0.0.1:${bare.match}/`;

    const rows = [];
    for (const connections of CONNECTIONS) {
      const baseline = await load(bareUrl, connections, bare.child.pid);
      const ours = await load(url, connections, stack.child.pid);
      const cell = (run) =>
        `${Math.round(run.rps)} /s · p50 ${run.p50} ms · p99 ${run.p99} ms · ${run.cpu.toFixed(0)} µs CPU/req`;
      rows.push(`| ${connections} | ${cell(baseline)} | ${cell(ours)} | ${(ours.rps / baseline.rps).toFixed(2)} |`);
    }
    const reads = await storageReadsPer1000Checks();
    const alone = await functionAlone();
    return {
      title: `GET /v1/check over HTTP (${DURATION_SECONDS} s per cell, autocannon, ${Buffer.byteLength(body)}-byte answer)`,
      lines: [
        '| connections | baseline: bare node:http, same body | local stack: /v1/check | ratio (target ≥ 0.5; p99 ≤ 10 ms at 100) |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        `OSS GET requests for 1,000 checks of one deployment within one cache period: ${reads} (target ≤ 1 plus revalidations).`,
        '',
        `getLatestBundle's FC handler alone, in process (event Buffer in, response object out): ${Math.round(alone).toLocaleString('en')} invocations/s (${(1e6 / alone).toFixed(1)} µs each).`,
      ],
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { runHttpBenchmark };
