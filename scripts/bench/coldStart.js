'use strict';
// Cold-start benchmark (issue 7): a fresh `node` process that loads a function's artifact and serves one
// invocation, against a fresh `node` process that loads an empty handler and serves one, in the same run.
const { execFileSync, spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { mkdtempSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { createAppRegistry, signApiGatewayRequest, writeJson } = require('@hotpatch/common');
const { apiGatewayEvent } = require('@hotpatch/common/testing');
const { catalogForCase, DECISION_CASES } = require('@hotpatch/core/testing');
const { startTestOssServer, TEST_BUCKET, TEST_CREDENTIALS } = require('@hotpatch/local/testing');

const ROOT = path.resolve(__dirname, '../..');
const RUNS = 15;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The child: load the handler, serve one event, exit. Timed from spawn to exit by the parent. */
const CHILD = `
const [file, eventJson, contextJson] = process.argv.slice(1);
require(file).handler(Buffer.from(eventJson), JSON.parse(contextJson)).then((answer) => {
  if (answer && answer.statusCode >= 500) { process.stderr.write(JSON.stringify(answer)); process.exit(1); }
  process.exit(0);
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;

/** Spawned asynchronously: the OSS server the child talks to runs in this process's event loop. */
function timeRun(file, event, context, env) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', CHILD, file, JSON.stringify(event), JSON.stringify(context)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${file} failed: ${stderr}`));
    });
  });
}

async function runColdStartBenchmark() {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { cwd: ROOT, stdio: 'pipe' });
  const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-cold-'));
  const server = await startTestOssServer();
  try {
    const deployment = { app: 'bench', platform: 'android', channel: 'staging' };
    const testCase = DECISION_CASES.find(
      (candidate) => candidate.name === 'mandatory in the middle propagates to a fresh binary',
    );
    await createAppRegistry(server.store(TEST_BUCKET)).create({ name: 'bench', platforms: ['android'] });
    await writeJson(
      server.store(TEST_BUCKET),
      `catalogs/bench/android/staging.json`,
      catalogForCase(testCase, deployment),
    );
    const empty = path.join(work, 'empty.js');
    writeFileSync(
      empty,
      "exports.handler = async () => ({ isBase64Encoded: false, statusCode: 200, headers: {}, body: '{}' });\n",
    );
    const env = {
      HOTPATCH_OSS_BUCKET: TEST_BUCKET,
      HOTPATCH_OSS_ENDPOINT: server.url,
      HOTPATCH_LOG_LEVEL: 'error',
      HOTPATCH_APP_KEYS: 'bench-key:bench-secret-0123456789',
    };
    const context = {
      requestId: 'cold',
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, accessKeySecret: TEST_CREDENTIALS.accessKeySecret },
    };
    const checkEvent = () =>
      JSON.parse(
        apiGatewayEvent({
          path: '/v1/check',
          query: { app: 'bench', platform: 'android', channel: 'staging', appVersion: '1.0.0', clientId: 'device-1' },
        }).toString(),
      );
    const signedListEvent = () => {
      const headers = signApiGatewayRequest({
        appKey: 'bench-key',
        appSecret: 'bench-secret-0123456789',
        method: 'GET',
        path: '/v1/apps',
        nonce: randomUUID(),
      });
      return JSON.parse(apiGatewayEvent({ path: '/v1/apps', headers }).toString());
    };
    const uploadEvent = () => ({
      events: [
        {
          eventName: 'ObjectCreated:PutObject',
          eventSource: 'acs:oss',
          eventTime: new Date().toISOString(),
          eventVersion: '1.0',
          oss: {
            bucket: { arn: '', name: TEST_BUCKET, ownerIdentity: '', virtualBucket: '' },
            object: {
              deltaSize: 1,
              eTag: randomUUID().replace(/-/g, '').toUpperCase(),
              key: 'uploads/bench/android/gone.zip',
              size: 1,
            },
            ossSchemaVersion: '1.0',
            ruleId: '',
          },
          region: 'cn-hangzhou',
          requestParameters: { sourceIPAddress: '' },
          responseElements: { requestId: '' },
          userIdentity: { principalId: '' },
        },
      ],
    });

    const subjects = [
      {
        name: 'getLatestBundle',
        event: checkEvent,
        invocation: 'GET /v1/check (catalog read, then its app record once)',
      },
      { name: 'publishBundle', event: signedListEvent, invocation: 'signed GET /v1/apps (nonce write, listing)' },
      {
        name: 'uploadBundle',
        event: uploadEvent,
        invocation: 'OSS event for a vanished upload (reads, outcome write)',
      },
    ];
    const baseline = [];
    const measured = Object.fromEntries(subjects.map((subject) => [subject.name, []]));
    for (let run = 0; run < RUNS; run += 1) {
      baseline.push(await timeRun(empty, checkEvent(), context, env));
      for (const subject of subjects)
        measured[subject.name].push(
          await timeRun(path.join(ROOT, 'artifacts', subject.name, 'index.js'), subject.event(), context, env),
        );
    }
    const bare = median(baseline);
    const lines = [
      '| process | one invocation | median wall time | over the bare process | artifact (bundle / zip) |',
      '| --- | --- | --- | --- | --- |',
      `| bare node + empty handler (baseline) | constant answer | ${bare.toFixed(1)} ms | — | — |`,
      ...subjects.map((subject) => {
        const ms = median(measured[subject.name]);
        const bundle = statSync(path.join(ROOT, 'artifacts', subject.name, 'index.js')).size / 1024;
        const zip = statSync(path.join(ROOT, 'artifacts', `${subject.name}.zip`)).size / 1024;
        return `| ${subject.name} | ${subject.invocation} | ${ms.toFixed(1)} ms | +${(ms - bare).toFixed(1)} ms (×${(ms / bare).toFixed(2)}) | ${bundle.toFixed(0)} KB / ${zip.toFixed(0)} KB |`;
      }),
    ];
    return {
      title: `Cold start: a fresh process loads the artifact and serves one invocation (median of ${RUNS}; targets for getLatestBundle: ≤ +40 ms, ≤ 400 KB)`,
      lines,
    };
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { runColdStartBenchmark };
