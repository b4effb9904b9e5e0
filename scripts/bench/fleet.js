'use strict';
// Fleet simulation (issue 16): FC's scheduling of getLatestBundle instances, replayed in virtual time through
// the real handler against the local OSS server, for instance concurrency 1, 10 and 100 in the same run.
//
// What is real: every check is a real invocation of getLatestBundle's FC handler (compiled from
// packages/getLatestBundle/dist, configured by environment with HOTPATCH_STORAGE=oss; each simulated instance
// composes its own FC handler, so its own catalog cache, logger, credentials and store; the module code is
// shared, as it keeps no module-level state, unless FLEET_FRESH_MODULES=1), every catalog read is
// a real signed GET to the local OSS server (counted there), every answer is checked, and the cold start is
// the measured time a fresh `node` takes to load artifacts/getLatestBundle/index.js and answer one check.
// What is simulated: arrivals, instances, cold-start waits, idle reclaim, all in virtual time.
//
// The clock: the catalog cache reads time through `now`, which createGetLatestBundleHandler already takes as
// a dependency; the simulation passes its virtual clock there (no handler code changed). The virtual clock
// runs at real speed while any handler call is in flight, so calls that overlap in virtual time overlap for
// real and their durations are measured, and it jumps ahead when nothing is in flight. Request signing and
// log timestamps keep the real clock.
//
// Settings (environment, or --name=value when this file is run directly):
//   FLEET_CHECKS (100000), FLEET_DURATION_S (3600), FLEET_BURST_FACTOR (10), FLEET_BURST_S (180),
//   FLEET_BURST_AT_S (900), FLEET_RECLAIM_S (300), FLEET_MEMORY_MB (getLatestBundle's memory in the deploy),
//   FLEET_CONCURRENCY (1,10,100), FLEET_UP_TO_DATE (0.7), FLEET_COLD_RUNS (9), FLEET_SEED (16),
//   FLEET_MAX_INSTANCES (1000: a replay that starts more stops with an error instead of exhausting memory),
//   FLEET_FRESH_MODULES (1: every instance loads its own copy of the modules; slower, same answers),
//   HOTPATCH_CATALOG_TTL_SECONDS (the handler's default when unset).
const { mkdtempSync, rmSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const OSS = require('ali-oss');
const { createLocalStack, DEV_APP_KEY, DEV_CREDENTIALS } = require('@hotpatch/local');
const { createLogger, FUNCTION_SIZING } = require('@hotpatch/common');
const { apiGatewayEvent } = require('@hotpatch/common/testing');
const { makeZip } = require('@hotpatch/upload-bundle/testing');

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACT = path.join(ROOT, 'artifacts/getLatestBundle/index.js');
const FUNCTION_NAME = 'getLatestBundle';

const APPS = [
  { name: 'fleet-news', weight: 0.6 },
  { name: 'fleet-shop', weight: 0.3 },
  { name: 'fleet-maps', weight: 0.1 },
];
const PLATFORMS = [
  { name: 'android', weight: 0.6 },
  { name: 'ios', weight: 0.4 },
];
const CHANNELS = [
  { name: 'production', weight: 0.9 },
  { name: 'staging', weight: 0.1 },
];
const DEPLOYMENTS = APPS.flatMap((app) =>
  PLATFORMS.flatMap((platform) =>
    CHANNELS.map((channel) => ({
      app: app.name,
      platform: platform.name,
      channel: channel.name,
      weight: app.weight * platform.weight * channel.weight,
    })),
  ),
);

function settingsFrom(source) {
  const number = (name, fallback) => {
    const value = source[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new Error(`${name} must be a non-negative number, got "${value}"`);
    return parsed;
  };
  return {
    checks: Math.round(number('FLEET_CHECKS', 100_000)),
    durationS: number('FLEET_DURATION_S', 3600),
    burstFactor: number('FLEET_BURST_FACTOR', 10),
    burstS: number('FLEET_BURST_S', 180),
    burstAtS: number('FLEET_BURST_AT_S', 900),
    reclaimS: number('FLEET_RECLAIM_S', 300),
    memoryMb: source.FLEET_MEMORY_MB ? number('FLEET_MEMORY_MB', 0) : undefined,
    concurrency: (source.FLEET_CONCURRENCY ?? '1,10,100').split(',').map((value) => {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 1)
        throw new Error(`FLEET_CONCURRENCY must list positive integers, got "${value}"`);
      return parsed;
    }),
    upToDate: number('FLEET_UP_TO_DATE', 0.7),
    coldRuns: Math.max(1, Math.round(number('FLEET_COLD_RUNS', 9))),
    maxInstances: Math.round(number('FLEET_MAX_INSTANCES', 1000)),
    freshModules: source.FLEET_FRESH_MODULES === '1',
    seed: Math.round(number('FLEET_SEED', 16)),
    ttlSeconds: source.HOTPATCH_CATALOG_TTL_SECONDS,
  };
}

/** mulberry32: a small seeded generator, so every concurrency setting replays the very same fleet. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The fleet: one check per device at app launch, a Poisson process whose rate is `burstFactor` × the mean for
 * `burstS` seconds (the morning burst) and constant otherwise, so the total is `checks` over `durationS`.
 */
function makeWorkload(settings) {
  const { checks, durationS, burstFactor, burstS, burstAtS } = settings;
  const mean = checks / durationS;
  const burstRate = mean * burstFactor;
  const baseRate = (checks - burstRate * burstS) / (durationS - burstS);
  if (!(baseRate >= 0) || burstAtS + burstS > durationS)
    throw new Error('the burst does not fit: lower FLEET_BURST_FACTOR or FLEET_BURST_S');
  const next = random(settings.seed);
  const times = new Float64Array(checks);
  const deployment = new Uint8Array(checks);
  const upToDate = new Uint8Array(checks);
  const cumulative = [];
  DEPLOYMENTS.reduce((sum, entry) => (cumulative.push(sum + entry.weight), sum + entry.weight), 0);
  // Arrival times: exponential gaps in "work" units, mapped through the piecewise-constant rate.
  const rateAt = (seconds) => (seconds >= burstAtS && seconds < burstAtS + burstS ? burstRate : baseRate);
  let t = 0;
  for (let index = 0; index < checks; index += 1) {
    let work = -Math.log(1 - next());
    for (;;) {
      const rate = rateAt(t);
      const boundary = t < burstAtS ? burstAtS : t < burstAtS + burstS ? burstAtS + burstS : Infinity;
      if (rate > 0 && t + work / rate <= boundary) {
        t += work / rate;
        break;
      }
      work -= rate * (boundary - t);
      t = boundary;
    }
    times[index] = t * 1000;
    const pick = next() * cumulative[cumulative.length - 1];
    deployment[index] = cumulative.findIndex((bound) => pick < bound);
    upToDate[index] = next() < settings.upToDate ? 1 : 0;
  }
  return { times, deployment, upToDate, mean, burstRate, baseRate, lastArrivalMs: t * 1000 };
}

/** A min-heap of virtual events ({ at, run }). */
function createHeap() {
  const items = [];
  const swap = (a, b) => ([items[a], items[b]] = [items[b], items[a]]);
  return {
    get size() {
      return items.length;
    },
    peek: () => (items.length > 0 ? items[0].at : Infinity),
    push(item) {
      items.push(item);
      for (let index = items.length - 1; index > 0;) {
        const parent = (index - 1) >> 1;
        if (items[parent].at <= items[index].at) break;
        swap(parent, index);
        index = parent;
      }
    },
    pop() {
      const top = items[0];
      const last = items.pop();
      if (items.length > 0) {
        items[0] = last;
        for (let index = 0; ;) {
          const left = 2 * index + 1;
          const right = left + 1;
          let smallest = index;
          if (left < items.length && items[left].at < items[smallest].at) smallest = left;
          if (right < items.length && items[right].at < items[smallest].at) smallest = right;
          if (smallest === index) break;
          swap(smallest, index);
          index = smallest;
        }
      }
      return top;
    },
  };
}

/**
 * A fresh copy of getLatestBundle's compiled modules (and everything they load), as a new FC instance would
 * have: nothing module-level is shared between simulated instances. The benchmark's own modules are put back.
 */
function loadFreshModules() {
  const saved = { ...require.cache };
  const children = module.children.length;
  for (const key of Object.keys(require.cache)) if (!key.startsWith(__dirname)) delete require.cache[key];
  try {
    return { common: require('@hotpatch/common'), getLatestBundle: require('@hotpatch/get-latest-bundle') };
  } finally {
    for (const key of Object.keys(require.cache)) delete require.cache[key];
    Object.assign(require.cache, saved);
    // Node lists every module a file requires among its children: without this, reclaimed instances' modules
    // would stay reachable from this file for ever.
    module.children.length = children;
  }
}

/** The compiled modules, shared by instances unless FLEET_FRESH_MODULES=1 (they keep no module-level state). */
const SHARED_MODULES = { common: require('@hotpatch/common'), getLatestBundle: require('@hotpatch/get-latest-bundle') };

/** One instance's FC handler: getLatestBundle's own FC entry point, on the simulation's clock. */
function createInstanceHandler(env, now, freshModules) {
  const { getLatestBundle } = freshModules ? loadFreshModules() : SHARED_MODULES;
  return getLatestBundle.createGetLatestBundleFunction(env, { now: () => new Date(now()) });
}

const CHILD = `
const [file, eventJson, contextJson] = process.argv.slice(1);
const { handler } = require(file);
handler(Buffer.from(eventJson), JSON.parse(contextJson)).then((answer) => {
  process.stdout.write(JSON.stringify({ answeredAt: String(process.hrtime.bigint()), status: answer.statusCode }) + '\\n');
  process.exit(answer.statusCode === 200 ? 0 : 1);
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;

/**
 * Cold start as coldStart.js measures it: a fresh `node` loads the built artifact and answers one check
 * (a catalog read from the OSS server running in this process). From spawn to the answer (the process's exit
 * is not counted; process.hrtime is the system's monotonic clock in both processes). Median of `runs`.
 */
async function measureColdStart(env, event, context, runs) {
  const samples = [];
  for (let run = 0; run < runs; run += 1) {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', CHILD, ARTIFACT, event.toString(), JSON.stringify(context)], {
      env: { PATH: process.env.PATH, ...env, HOTPATCH_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`the artifact's cold start failed (${code}): ${stdout} ${stderr}`);
    samples.push(Number(BigInt(JSON.parse(stdout).answeredAt) - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples[samples.length - 1] };
}

/** getLatestBundle's memory size in the deployment `hotpatch deploy` creates: its one definition, which the desired state spreads. */
function deployedMemoryMb() {
  return FUNCTION_SIZING[FUNCTION_NAME].memorySize;
}

const percentile = (sorted, fraction) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];

/**
 * One replay of the fleet at one instance-concurrency limit.
 *
 * Scheduling (our model of FC): a check goes to a ready instance with a free slot, the busiest one first (FC
 * packs requests onto instances), ties to the most recently used; else to a starting instance with a free slot
 * (it waits for the rest of that cold start); else a new instance starts and the check waits for its whole
 * cold start. An instance idle (nothing assigned) for `reclaimMs` is reclaimed.
 */
async function replay({
  concurrency,
  maxInstances,
  freshModules,
  workload,
  env,
  coldStartMs,
  reclaimMs,
  expected,
  checkEvent,
  context,
  oss,
}) {
  const { times, deployment, upToDate } = workload;
  const checks = times.length;
  const heap = createHeap();
  // Virtual clock: real time plus an offset; the offset grows when the simulation jumps over idle time.
  let offset = -performance.now();
  const vnow = () => performance.now() + offset;
  const epoch = Date.now();
  const handlerClock = () => epoch + vnow();
  let inFlight = 0;
  const instances = [];
  let alive = [];
  const answerMs = new Float64Array(checks);
  const handlerMs = new Float64Array(checks);
  let waitedForColdStart = 0;
  let peakAlive = 0;
  const wrong = [];
  const logLines = [];
  let failure;

  function reclaim(now) {
    if (
      !alive.some(
        (instance) => instance.active === 0 && instance.readyAt <= now && instance.idleSince + reclaimMs <= now,
      )
    )
      return;
    alive = alive.filter((instance) => {
      if (instance.active === 0 && instance.readyAt <= now && instance.idleSince + reclaimMs <= now) {
        instance.reclaimedAt = instance.idleSince + reclaimMs;
        instance.handler = undefined;
        return false;
      }
      return true;
    });
  }

  function startInstance(now) {
    if (instances.length >= maxInstances)
      throw new Error(
        `more than ${maxInstances} instances at concurrency ${concurrency} (virtual ${(now / 1000).toFixed(1)} s): the replay ran away; FLEET_MAX_INSTANCES raises the limit`,
      );
    // Loading the modules is this simulation's cost, not the instance's: the virtual clock stops meanwhile.
    const loadStarted = performance.now();
    const instance = {
      id: instances.length,
      startedAt: now,
      readyAt: now + coldStartMs,
      active: 0,
      running: 0,
      busySince: 0,
      busyMs: 0,
      idleSince: now + coldStartMs,
      lastUsed: now,
      queue: [],
      deployments: new Set(),
      firstServed: Infinity,
      lastServed: 0,
      reclaimedAt: undefined,
    };
    instance.handler = createInstanceHandler(env, handlerClock, freshModules);
    offset -= performance.now() - loadStarted;
    instances.push(instance);
    alive.push(instance);
    peakAlive = Math.max(peakAlive, alive.length);
    heap.push({
      at: instance.readyAt,
      run: (at) => {
        for (const index of instance.queue.splice(0)) execute(instance, index, at);
      },
    });
    return instance;
  }

  function execute(instance, index, startAt) {
    if (instance.running === 0) instance.busySince = startAt;
    instance.running += 1;
    inFlight += 1;
    const callStarted = vnow();
    const { body, deploymentIndex } = checkEvent(index);
    instance.handler(body, { ...context, requestId: `check-${index}` }).then(
      (answer) => {
        const took = vnow() - callStarted;
        inFlight -= 1;
        handlerMs[index] = took;
        const want = expected[deploymentIndex];
        let verdict;
        try {
          const parsed = JSON.parse(answer.body);
          verdict =
            answer.statusCode === 200 &&
            (upToDate[index]
              ? parsed.status === 'upToDate'
              : parsed.status === 'update' && parsed.release.hash === want.hash);
        } catch {
          verdict = false;
        }
        if (!verdict && wrong.length < 5)
          wrong.push({
            index,
            deployment: DEPLOYMENTS[deploymentIndex],
            status: answer.statusCode,
            body: answer.body.slice(0, 200),
          });
        if (!verdict) wrong.total = (wrong.total ?? 0) + 1;
        heap.push({ at: startAt + took, run: (at) => complete(instance, index, at) });
      },
      (error) => {
        // FC's adapter answers every error; a rejection is a broken handler, and stops the simulation.
        failure ??= error;
      },
    );
  }

  function complete(instance, index, at) {
    instance.running -= 1;
    instance.active -= 1;
    if (instance.running === 0) instance.busyMs += at - instance.busySince;
    if (instance.active === 0) instance.idleSince = at;
    instance.lastServed = Math.max(instance.lastServed, at);
    answerMs[index] = at - times[index];
  }

  function arrive(index, at) {
    reclaim(at);
    let chosen;
    for (const instance of alive) {
      if (instance.active >= concurrency) continue;
      const ready = instance.readyAt <= at;
      if (!chosen) chosen = instance;
      else {
        const chosenReady = chosen.readyAt <= at;
        if (ready !== chosenReady) {
          if (ready) chosen = instance;
        } else if (
          instance.active > chosen.active ||
          (instance.active === chosen.active && instance.lastUsed > chosen.lastUsed)
        )
          chosen = instance;
      }
    }
    if (!chosen) chosen = startInstance(at);
    chosen.active += 1;
    chosen.lastUsed = at;
    chosen.deployments.add(deployment[index]);
    chosen.firstServed = Math.min(chosen.firstServed, at);
    if (chosen.readyAt <= at) execute(chosen, index, at);
    else {
      waitedForColdStart += 1;
      chosen.queue.push(index);
    }
  }

  const realStarted = performance.now();
  const ossBefore = oss.requestCounts().GET ?? 0;
  const write = process.stdout.write;
  // The handler logs as deployed (info: one "request served" line per check); the lines are kept, not printed.
  process.stdout.write = (chunk, ...rest) => {
    if (typeof chunk === 'string' && chunk.startsWith('{')) {
      logLines.push(chunk);
      return true;
    }
    return write.call(process.stdout, chunk, ...rest);
  };
  try {
    offset += 0 - vnow();
    let next = 0;
    let lastProgress = performance.now();
    while (next < checks || heap.size > 0 || inFlight > 0) {
      if (failure) throw failure;
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        process.stderr.write(
          `fleet: concurrency ${concurrency}, virtual ${(vnow() / 1000).toFixed(0)} s, ${next} checks, ${alive.length} instances alive, ${instances.length} started\n`,
        );
      }
      const due = Math.min(next < checks ? times[next] : Infinity, heap.peek());
      if (inFlight === 0) {
        if (due === Infinity) throw new Error('the simulation stalled');
        if (due > vnow()) offset += due - vnow();
      } else if (vnow() < due) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const now = vnow();
      for (;;) {
        const arrival = next < checks ? times[next] : Infinity;
        const event = heap.peek();
        if (Math.min(arrival, event) > now) break;
        if (event <= arrival) {
          const item = heap.pop();
          item.run(item.at);
        } else {
          arrive(next, arrival);
          next += 1;
        }
      }
    }
  } finally {
    process.stdout.write = write;
  }
  const realSeconds = (performance.now() - realStarted) / 1000;
  const ossGets = (oss.requestCounts().GET ?? 0) - ossBefore;

  // Every instance is eventually reclaimed: resident until reclaimMs after its last answer.
  for (const instance of instances)
    if (instance.reclaimedAt === undefined) instance.reclaimedAt = instance.idleSince + reclaimMs;
  const ttlMs = expected.ttlMs;
  // The most catalog reads a per-instance cache with single flight can make: per deployment it served, one
  // per cache period it was serving, plus the first.
  const readBound = instances.reduce(
    (sum, instance) =>
      sum +
      instance.deployments.size * (Math.floor((instance.lastServed - instance.firstServed) / Math.max(ttlMs, 1)) + 1),
    0,
  );
  const served = logLines.map((line) => JSON.parse(line)).filter((line) => line.message === 'request served');
  const sortedAnswers = Float64Array.from(answerMs).sort();
  const sortedHandler = Float64Array.from(handlerMs).sort();
  return {
    concurrency,
    checks,
    instances: instances.length,
    peakAlive,
    waitedForColdStart,
    ossGets,
    readBound,
    p50: percentile(sortedAnswers, 0.5),
    p99: percentile(sortedAnswers, 0.99),
    p999: percentile(sortedAnswers, 0.999),
    handlerP50: percentile(sortedHandler, 0.5),
    handlerP99: percentile(sortedHandler, 0.99),
    activeSeconds: instances.reduce((sum, instance) => sum + instance.busyMs, 0) / 1000,
    coldSeconds: (instances.length * coldStartMs) / 1000,
    residentSeconds: instances.reduce((sum, instance) => sum + (instance.reclaimedAt - instance.startedAt), 0) / 1000,
    wrong,
    servedLines: served.length,
    distinctLogIds: new Set(served.map((line) => line.request_id)).size,
    realSeconds,
  };
}

async function runFleetBenchmark(source = process.env) {
  const settings = settingsFrom(source);
  // Always rebuilt (about a second), so the measured cold start is the current source's.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { cwd: ROOT, stdio: 'pipe' });
  const memoryMb = settings.memoryMb ?? deployedMemoryMb();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-fleet-'));
  const stack = await createLocalStack({
    dataDir,
    port: 0,
    ossPort: 0,
    bucket: 'hotpatch',
    credentials: DEV_CREDENTIALS,
    appKey: DEV_APP_KEY,
    logger: createLogger({ service: 'bench', level: 'error' }),
    functionEnv: { HOTPATCH_LOG_LEVEL: 'error' },
  });
  try {
    // Register the apps and publish one release per deployment, through OSS and uploadBundle as a user would.
    const client = new OSS({ endpoint: stack.ossUrl, bucket: 'hotpatch', ...DEV_CREDENTIALS });
    for (const app of APPS)
      await stack.registry.create({ name: app.name, platforms: PLATFORMS.map((platform) => platform.name) });
    for (const target of DEPLOYMENTS) {
      const zip = await makeZip({
        [target.platform === 'ios' ? 'main.jsbundle' : 'index.android.bundle']:
          `console.log(${JSON.stringify(`${target.app} ${target.platform} ${target.channel}`)})`,
      });
      await client.put(`uploads/${target.app}/${target.platform}/${target.channel}.zip`, zip, {
        meta: { target: '1.x', channel: target.channel, description: 'fleet release' },
      });
    }
    await stack.triggers.idle();

    const env = { ...stack.functionEnv, HOTPATCH_LOG_LEVEL: 'info' };
    if (settings.ttlSeconds !== undefined) env.HOTPATCH_CATALOG_TTL_SECONDS = settings.ttlSeconds;
    else delete env.HOTPATCH_CATALOG_TTL_SECONDS;
    if (env.HOTPATCH_STORAGE !== 'oss')
      throw new Error(`the functions' environment stores in ${env.HOTPATCH_STORAGE}, not oss`);
    const ttlMs = loadFreshModules().getLatestBundle.loadCheckConfig(env).catalogTtlMs;
    const context = { requestId: 'fleet', credentials: { ...DEV_CREDENTIALS } };
    const query = (target, extra = {}) => ({
      app: target.app,
      platform: target.platform,
      channel: target.channel,
      appVersion: '1.2.0',
      ...extra,
    });

    // What each deployment must answer: its release, asked once through the unmodified FC entry point.
    const reference = loadFreshModules().getLatestBundle.createGetLatestBundleFunction({
      ...env,
      HOTPATCH_LOG_LEVEL: 'error',
    });
    const expected = [];
    for (const target of DEPLOYMENTS) {
      const answer = await reference(
        apiGatewayEvent({ path: '/v1/check', query: query(target, { clientId: 'reference' }) }),
        context,
      );
      const parsed = JSON.parse(answer.body);
      if (answer.statusCode !== 200 || parsed.status !== 'update')
        throw new Error(`${target.app}/${target.platform}/${target.channel} has no release: ${answer.body}`);
      expected.push({ hash: parsed.release.hash });
    }
    if (new Set(expected.map((entry) => entry.hash)).size !== DEPLOYMENTS.length)
      throw new Error('two deployments share a release hash: answers could not be told apart');
    expected.ttlMs = ttlMs;

    const workload = makeWorkload(settings);
    const checkEvent = (index) => {
      const deploymentIndex = workload.deployment[index];
      const extra = { clientId: `device-${index}` };
      if (workload.upToDate[index]) extra.bundleHash = expected[deploymentIndex].hash;
      return {
        deploymentIndex,
        body: apiGatewayEvent({ path: '/v1/check', query: query(DEPLOYMENTS[deploymentIndex], extra) }),
      };
    };
    const cold = await measureColdStart(env, checkEvent(0).body, context, settings.coldRuns);

    const loadBefore = loadavg()[0];
    const results = [];
    for (const concurrency of settings.concurrency) {
      results.push(
        await replay({
          concurrency,
          maxInstances: settings.maxInstances,
          freshModules: settings.freshModules,
          workload,
          env,
          coldStartMs: cold.median,
          reclaimMs: settings.reclaimS * 1000,
          expected,
          checkEvent,
          context,
          oss: stack.oss,
        }),
      );
    }
    results.load = [loadBefore, loadavg()[0]];
    return {
      title: `Fleet simulation: ${settings.checks.toLocaleString('en')} checks over ${settings.durationS} s through getLatestBundle at instance concurrency ${settings.concurrency.join(', ')}`,
      lines: report(settings, workload, cold, memoryMb, ttlMs, results),
    };
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(settings, workload, cold, memoryMb, ttlMs, results) {
  const perMillion = (value, result) => (value * 1e6) / result.checks;
  const baseline = results.find((result) => result.concurrency === 1) ?? results[0];
  const fixed = (value, digits) =>
    value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const gb = memoryMb / 1024;
  const lines = [
    `Workload: ${settings.checks.toLocaleString('en')} devices each check once at launch over ${settings.durationS} s (mean ${fixed(workload.mean, 1)}/s; a ${settings.burstS} s burst at ${settings.burstFactor}× the mean, ${fixed(workload.burstRate, 1)}/s, from ${settings.burstAtS} s; ${fixed(workload.baseRate, 1)}/s otherwise; Poisson arrivals, seed ${settings.seed}), over ${DEPLOYMENTS.length} deployments (3 apps × 2 platforms × 2 channels, weighted ${APPS.map((app) => `${app.weight * 100} %`).join('/')} by app, ${PLATFORMS.map((p) => `${p.weight * 100} %`).join('/')} android/ios, ${CHANNELS.map((c) => `${c.weight * 100} %`).join('/')} production/staging); ${Math.round(settings.upToDate * 100)} % of devices already run the release, the rest get it. Catalog TTL ${ttlMs / 1000} s, idle reclaim after ${settings.reclaimS} s, ${memoryMb} MB per instance.`,
    '',
    `Cold start (measured: a fresh node loads artifacts/getLatestBundle/index.js and answers one check from the local OSS server, spawn to answer, median of ${settings.coldRuns}): ${fixed(cold.median, 1)} ms (min ${fixed(cold.min, 1)}, max ${fixed(cold.max, 1)}).`,
    '',
    '| concurrency | instances started (= cold starts) | peak instances | checks that waited for a cold start | OSS GETs per million checks (bound: instances × cache periods × deployments) | answer p50 / p99 / p99.9 | handler p50 / p99 | active instance-s per million (GB-s) | resident instance-s per million (GB-s) | wrong answers | distinct request ids among "request served" log lines |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((result) => {
      const active = perMillion(result.activeSeconds + result.coldSeconds, result);
      const resident = perMillion(result.residentSeconds, result);
      return `| ${result.concurrency} | ${result.instances} | ${result.peakAlive} | ${result.waitedForColdStart} | ${fixed(perMillion(result.ossGets, result), 0)} (${fixed(perMillion(result.readBound, result), 0)}) | ${fixed(result.p50, 2)} / ${fixed(result.p99, 2)} / ${fixed(result.p999, 1)} ms | ${fixed(result.handlerP50, 3)} / ${fixed(result.handlerP99, 3)} ms | ${fixed(active, 1)} (${fixed(active * gb, 1)}) | ${fixed(resident, 0)} (${fixed(resident * gb, 0)}) | ${result.wrong.total ?? 0} | ${result.distinctLogIds.toLocaleString('en')} of ${result.servedLines.toLocaleString('en')} |`;
    }),
    '',
    `Ratios against concurrency ${baseline.concurrency} (baseline, same run):`,
    '',
    '| concurrency | instances started / cold starts | OSS GETs | answer p99 | active instance-s | resident instance-s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map((result) => {
      const ratio = (mine, theirs) =>
        theirs === 0
          ? mine === 0
            ? '1'
            : '∞'
          : `${(mine / theirs).toFixed(2)}× (${(theirs / Math.max(mine, Number.EPSILON)).toFixed(1)}× fewer)`;
      return `| ${result.concurrency} | ${ratio(result.instances, baseline.instances)} | ${ratio(result.ossGets, baseline.ossGets)} | ${(result.p99 / baseline.p99).toFixed(2)}× | ${ratio(result.activeSeconds + result.coldSeconds, baseline.activeSeconds + baseline.coldSeconds)} | ${ratio(result.residentSeconds, baseline.residentSeconds)} |`;
    }),
    '',
    `Real time per replay: ${results.map((result) => `${result.concurrency}: ${fixed(result.realSeconds, 1)} s`).join(', ')}; machine load average (1 min) ${fixed(results.load[0], 1)} before, ${fixed(results.load[1], 1)} after.`,
  ];
  for (const result of results) {
    if (result.wrong.length > 0)
      lines.push(
        '',
        `Wrong answers at concurrency ${result.concurrency} (first ${result.wrong.length}): ${JSON.stringify(result.wrong)}`,
      );
  }
  return lines;
}

module.exports = { runFleetBenchmark };

if (require.main === module) {
  const flags = Object.fromEntries(
    process.argv.slice(2).map((argument) => {
      const match = /^--([a-z-]+)=(.*)$/.exec(argument);
      if (!match)
        throw new Error(`unknown argument ${argument}; use --checks=10000 style flags (see the header of this file)`);
      return [
        match[1] === 'ttl-s' ? 'HOTPATCH_CATALOG_TTL_SECONDS' : `FLEET_${match[1].replace(/-/g, '_').toUpperCase()}`,
        match[2],
      ];
    }),
  );
  runFleetBenchmark({ ...process.env, ...flags }).then(
    ({ title, lines }) => process.stdout.write(`### ${title}\n\n${lines.join('\n')}\n`),
    (error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
