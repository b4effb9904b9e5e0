'use strict';
// Decision benchmark (issue 4): decideUpdate on catalogs of 10, 100 and 1,000 releases. Baseline, same run:
// the same decision with the catalog prepared (every semver range parsed) on each request, as hot-updater's
// getUpdateInfo does. Also (issue 13) the same decisions with their trace (`explainUpdate`, what
// `hotpatch check --explain` asks for): the check path never calls it.
const { decideUpdate, explainUpdate, normalizeAppVersion, prepareCatalog } = require('@hotpatch/core');

const SIZES = [10, 100, 1000];
const REQUESTS = 2000;

/** Deterministic pseudo-random numbers, so every run measures the same workload. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** A catalog like a busy app's: ten releases per binary minor, some mandatory, disabled or rolling out. */
function makeCatalog(size) {
  const next = random(size);
  const releases = Array.from({ length: size }, (_, index) => ({
    label: `v${index + 1}`,
    seq: index + 1,
    packageHash: index.toString(16).padStart(64, '0'),
    archiveSha256: index.toString(16).padStart(64, '0'),
    contentKey: `packages/${index}/package.zip`,
    contentKind: 'zip',
    manifestKey: undefined,
    size: 1000,
    bundlePath: 'index.android.bundle',
    targetBinaryRange: `~1.${Math.floor(index / 10)}.0`,
    description: '',
    mandatory: next() < 0.1,
    rollout: next() < 0.1 ? 50 : 100,
    disabled: next() < 0.05,
    signed: false,
    uploadId: undefined,
    createdAt: '2026-11-27T00:00:00.000Z',
    createdBy: 'bench',
  }));
  return {
    schemaVersion: 1,
    deployment: { app: 'bench', platform: 'android', channel: 'production' },
    head: size,
    releases,
  };
}

/** Devices mostly on recent binaries, running the embedded bundle or some release of their binary. */
function makeRequests(catalog) {
  const next = random(7);
  const minors = Math.ceil(catalog.releases.length / 10);
  return Array.from({ length: REQUESTS }, (_, index) => {
    const minor = Math.max(0, minors - 1 - Math.floor(next() * next() * minors));
    const onRelease =
      next() < 0.7
        ? catalog.releases[Math.min(catalog.releases.length - 1, minor * 10 + Math.floor(next() * 10))]
        : undefined;
    return {
      appVersion: normalizeAppVersion(`1.${minor}.${Math.floor(next() * 5)}`),
      bundleHash: onRelease?.packageHash,
      clientId: `device-${index}`,
    };
  });
}

function decisionsPerSecond(run, requests, minimumMs) {
  let count = 0;
  const started = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minimumMs) {
    for (const request of requests) run(request);
    count += requests.length;
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return (count / elapsedMs) * 1000;
}

async function runDecisionBenchmark() {
  const rows = [];
  for (const size of SIZES) {
    const catalog = makeCatalog(size);
    const requests = makeRequests(catalog);
    const prepared = prepareCatalog(catalog);
    const ours = decisionsPerSecond((request) => decideUpdate(prepared, request), requests, 1500);
    const perRequest = decisionsPerSecond((request) => decideUpdate(prepareCatalog(catalog), request), requests, 1500);
    const explained = decisionsPerSecond((request) => explainUpdate(prepared, request), requests, 1500);
    rows.push(
      `| ${size} | ${Math.round(perRequest).toLocaleString('en')} /s | ${Math.round(ours).toLocaleString('en')} /s | ${(ours / perRequest).toFixed(0)}× | ${Math.round(explained).toLocaleString('en')} /s |`,
    );
  }
  return {
    title: `Update decisions per second (${REQUESTS} mixed requests, one thread)`,
    lines: [
      '| releases | baseline: ranges parsed per request | decideUpdate on a prepared catalog (target ≥ 200,000/s at 1,000) | speed-up | with the trace (explainUpdate, `--explain` only) |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ],
  };
}

module.exports = { runDecisionBenchmark };
