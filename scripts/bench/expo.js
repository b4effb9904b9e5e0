'use strict';
// Expo benchmark (issue 12): signed Expo manifest answers per second through getLatestBundle's FC handler, in
// process, one thread (event parsing, routing, cached catalog, decision, cached signed multipart answer), against
// the same-run baseline of the native GET /v1/check through the same handler, both per second of CPU time. Rounds
// alternate so machine load hits both alike; the median round is reported.
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const {
  createAppRegistry,
  createCredentialsSource,
  createFcHttpHandler,
  createLogger,
  createMemoryStore,
  sealExpoSigningKey,
  writeJson,
} = require('@hotpatch/common');
const { createGetLatestBundleHandler } = require('@hotpatch/get-latest-bundle');
const { storageKeys } = require('@hotpatch/core');
const { catalogForCase, expoCaseId, expoCatalog } = require('@hotpatch/core/testing');

const ROUNDS = 5;
const PER_ROUND = 100_000;
const DEVICES = 1000;

function event(path, queryParameters, headers) {
  return Buffer.from(
    JSON.stringify({
      path,
      httpMethod: 'GET',
      headers: { host: 'api', 'user-agent': 'bench', ...headers },
      queryParameters,
      pathParameters: {},
      body: '',
      isBase64Encoded: false,
    }),
  );
}

/**
 * Answers per second of CPU time (user + system of this process): what one core does, whatever else the shared
 * machine runs at the time (wall-clock rates moved by ±50 % between rounds under a load average of 8 on 2 cores).
 */
async function perSecond(handler, events) {
  const context = { requestId: 'bench' };
  const before = process.cpuUsage();
  for (let index = 0; index < PER_ROUND; index += 1) {
    const response = await handler(events[index % events.length], context);
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}: ${response.body}`);
  }
  const used = process.cpuUsage(before);
  return (PER_ROUND / (used.user + used.system)) * 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function runExpoBenchmark() {
  const store = createMemoryStore();
  const kek = randomBytes(32);
  await createAppRegistry(store).create({ name: 'bench', platforms: ['android'] });
  const check = { app: 'bench', platform: 'android', channel: 'staging' };
  const expo = { app: 'bench', platform: 'android', channel: 'production' };
  await writeJson(
    store,
    storageKeys.catalog(check),
    catalogForCase({ releases: [{ range: '1.x', content: 'a' }] }, check),
  );
  // Two updates of the runtime version, the newer rolling out to half the devices, an older runtime version too.
  await writeJson(
    store,
    storageKeys.catalog(expo),
    expoCatalog(expo, [{ runtimeVersion: '0' }, { runtimeVersion: '1' }, { runtimeVersion: '1', rollout: 50 }]),
  );
  const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  await writeJson(
    store,
    storageKeys.expoSigningKey('bench'),
    sealExpoSigningKey({ app: 'bench', keyId: 'main', privateKeyPem }, kek),
  );
  const handler = createFcHttpHandler({
    functionName: 'getLatestBundle',
    logger: createLogger({ service: 'bench', level: 'warn' }),
    credentials: createCredentialsSource({}),
    handle: () =>
      createGetLatestBundleHandler({ store, config: { catalogTtlMs: 3_600_000, expoKeyEncryptionKeys: [kek] } }),
  });
  const checks = Array.from({ length: DEVICES }, (_, index) =>
    event('/v1/check', { ...check, appVersion: '1.2.0', clientId: `device-${index}` }, {}),
  );
  const manifests = Array.from({ length: DEVICES }, (_, index) =>
    event(
      '/v1/expo/bench/manifest',
      {},
      {
        accept: 'multipart/mixed,application/expo+json,application/json',
        'expo-platform': 'android',
        'expo-protocol-version': '1',
        'expo-runtime-version': '1',
        'expo-channel-name': 'production',
        'eas-client-id': `0000000${index % 10}-0000-4000-8000-${String(index).padStart(12, '0')}`,
        'expo-current-update-id': '00000000-0000-4000-8000-0000000000ee',
        'expo-embedded-update-id': '00000000-0000-4000-8000-0000000000ee',
        'expo-expect-signature': 'sig, keyid="main", alg="rsa-v1_5-sha256"',
      },
    ),
  );
  // The same devices as launch reports (issue 13): each runs the runtime version's first update and one in ten
  // lists the second as failed to launch, so every request goes through the counting path and its memory.
  const reporting = Array.from({ length: DEVICES }, (_, index) => {
    const { headers } = JSON.parse(manifests[index].toString());
    return event(
      '/v1/expo/bench/manifest',
      {},
      {
        ...headers,
        'expo-current-update-id': expoCaseId(2),
        ...(index % 10 === 0 ? { 'expo-recent-failed-update-ids': `"${expoCaseId(3)}"` } : {}),
      },
    );
  });
  // Warm-up: JIT, caches (each answer signed once here).
  await perSecond(handler, checks);
  await perSecond(handler, manifests);
  await perSecond(handler, reporting);
  const baseline = [];
  const ours = [];
  const signals = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    baseline.push(await perSecond(handler, checks));
    ours.push(await perSecond(handler, manifests));
    signals.push(await perSecond(handler, reporting));
  }
  const format = (value) => `${Math.round(value).toLocaleString('en')} /s`;
  return {
    title: `Signed Expo manifest answers per CPU-second, in process, one thread (${ROUNDS} alternating rounds of ${PER_ROUND.toLocaleString('en')}, ${DEVICES} devices, median)`,
    lines: [
      '| route | answers per CPU-second | range over rounds |',
      '| --- | --- | --- |',
      `| baseline: \`GET /v1/check\` | ${format(median(baseline))} | ${format(Math.min(...baseline))} – ${format(Math.max(...baseline))} |`,
      `| \`GET /v1/expo/:app/manifest\`, signed multipart (target ≥ 50,000/s) | ${format(median(ours))} | ${format(Math.min(...ours))} – ${format(Math.max(...ours))} |`,
      `| the same, devices reporting launches (current update a release, 1 in 10 with a failed id) | ${format(median(signals))} | ${format(Math.min(...signals))} – ${format(Math.max(...signals))} |`,
    ],
  };
}

module.exports = { runExpoBenchmark };
