'use strict';
// Ingest benchmark (issue 3): uploadBundle's processing of a 2, 20 and 100 MB zip against `sha256sum` +
// `unzip -t` of the same file, measured in the same run, plus the ingest's peak RSS.
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const SIZES_MB = [2, 20, 100];
const RUNS = 3;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timeCommand(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.error})`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function runIngestBenchmark() {
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-'));
  const rows = [];
  const makeZip = (file, bytes) =>
    // Built in another process, so this one stays small while the workers run.
    execFileSync(process.execPath, [
      '-e',
      `require(${JSON.stringify(path.join(__dirname, 'makeBundleZip.js'))}).makeBundleZip(${JSON.stringify(file)}, ${bytes})`,
    ]);
  try {
    const warmUp = path.join(directory, 'warm-up.zip');
    makeZip(warmUp, 64 * 1024);
    for (const sizeMb of SIZES_MB) {
      const zip = path.join(directory, `bundle-${sizeMb}mb.zip`);
      makeZip(zip, sizeMb * 1024 * 1024);
      const baseline = [];
      const ingest = [];
      const rss = [];
      for (let run = 0; run < RUNS; run += 1) {
        baseline.push(timeCommand('sha256sum', [zip]) + timeCommand('unzip', ['-tq', zip]));
        const output = JSON.parse(
          execFileSync(process.execPath, [path.join(__dirname, 'ingestWorker.js'), zip, warmUp], { encoding: 'utf8' }),
        );
        ingest.push(output.ms);
        rss.push(output.maxRssMb);
      }
      rows.push({
        sizeMb,
        zipMb: statSync(zip).size / 1048576,
        baselineMs: median(baseline),
        ingestMs: median(ingest),
        maxRssMb: Math.max(...rss),
      });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const lines = [
    '| zip | sha256sum + unzip -t (baseline) | uploadBundle ingest | ratio (target ≤ 3) | peak RSS (target ≤ 256 MB at 100 MB) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.zipMb.toFixed(1)} MB | ${row.baselineMs.toFixed(0)} ms | ${row.ingestMs.toFixed(0)} ms | ${(row.ingestMs / row.baselineMs).toFixed(2)} | ${row.maxRssMb.toFixed(0)} MB |`,
    ),
  ];
  return {
    title: `Ingest (median of ${RUNS} runs; each in a fresh, warmed-up process on the filesystem store)`,
    lines,
  };
}

module.exports = { runIngestBenchmark };
