'use strict';
// Binary patches (issue 15): @hotpatch/bsdiff against Debian's `bsdiff` on the same pairs in the same run:
// patch size, time to diff (each run in a fresh process), peak RSS at 20 MB, and what a device downloads for a
// one-line change, full package against patch. Every patch made here is applied with Debian's `bspatch`.
const { execFileSync, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { gzipSync } = require('node:zlib');
const { hermesBundlePair, metroBundlePair } = require('../../packages/bsdiff/dist/testing');

const RUNS = 3;
const MB = 1024 * 1024;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function ours(directory, oldFile, newFile) {
  const patchFile = path.join(directory, 'ours.patch');
  const output = execFileSync(process.execPath, [path.join(__dirname, 'patchWorker.js'), oldFile, newFile, patchFile]);
  return { ...JSON.parse(output.toString()), patchFile };
}

function debian(directory, oldFile, newFile) {
  const patchFile = path.join(directory, 'debian.patch');
  const started = process.hrtime.bigint();
  const result = spawnSync('bsdiff', [oldFile, newFile, patchFile], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error('Debian bsdiff failed (apt-get install bsdiff)');
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: statSync(patchFile).size, patchFile };
}

function appliesExactly(directory, oldFile, newFile, patchFile) {
  const rebuilt = path.join(directory, 'rebuilt');
  execFileSync('bspatch', [oldFile, rebuilt, patchFile]);
  return sha256(readFileSync(rebuilt)) === sha256(readFileSync(newFile));
}

/** v1 and v1 with one string literal changed: the one-line fix. */
function oneLineChange(bytes) {
  const text = Buffer.from(bytes).toString('latin1');
  const at = text.indexOf('is missing', Math.floor(text.length / 2));
  return {
    v1: bytes,
    v2: Buffer.from(`${text.slice(0, at)}was not found${text.slice(at + 'is missing'.length)}`, 'latin1'),
  };
}

async function runPatchesBenchmark() {
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-bench-patches-'));
  const lines = [];
  let download = '';
  try {
    const pairs = [
      ['Metro JS 2.5 MB: one module added early (ids shift), one edited', metroBundlePair(2.5 * MB)],
      ['Metro JS 5 MB: the same change', metroBundlePair(5 * MB)],
      ['Hermes-like bytecode 5 MB: one function added early, one edited', hermesBundlePair(5 * MB)],
      ['Metro JS 2.5 MB: a one-line change (one string)', oneLineChange(metroBundlePair(2.5 * MB).v1)],
      ['Metro JS 20 MB: one module added early, one edited', metroBundlePair(20 * MB)],
    ];
    lines.push(
      '| pair | new bundle | gzip -9 of it | ours: patch | Debian bsdiff: patch | size ours ÷ Debian | ours ÷ gzip | diff time ours (median of 3) | Debian (median of 3) | time ours ÷ Debian | peak RSS ours | Debian bspatch rebuilds it |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :-: |',
    );
    for (const [name, pair] of pairs) {
      const oldFile = path.join(directory, 'old');
      const newFile = path.join(directory, 'new');
      writeFileSync(oldFile, pair.v1);
      writeFileSync(newFile, pair.v2);
      const runs = pair.v2.length > 10 * MB ? 1 : RUNS;
      const mine = [];
      const theirs = [];
      for (let run = 0; run < runs; run += 1) {
        mine.push(ours(directory, oldFile, newFile));
        theirs.push(debian(directory, oldFile, newFile));
      }
      const gzip = gzipSync(pair.v2, { level: 9 }).length;
      const size = mine[0].bytes;
      const sizeDebian = theirs[0].bytes;
      const time = median(mine.map((run) => run.ms));
      const timeDebian = median(theirs.map((run) => run.ms));
      const exact =
        appliesExactly(directory, oldFile, newFile, mine[0].patchFile) &&
        appliesExactly(directory, oldFile, newFile, theirs[0].patchFile);
      lines.push(
        `| ${name} | ${(pair.v2.length / MB).toFixed(2)} MB | ${kb(gzip)} | ${size.toLocaleString('en')} B | ${sizeDebian.toLocaleString('en')} B | ${(size / sizeDebian).toFixed(3)} | ${(size / gzip).toFixed(4)} | ${(time / 1000).toFixed(2)} s | ${(timeDebian / 1000).toFixed(2)} s | ${(time / timeDebian).toFixed(2)} | ${Math.round(median(mine.map((run) => run.maxRssMb)))} MB | ${exact ? 'yes' : 'NO'} |`,
      );
      if (name.includes('one-line'))
        download = `Bytes a device downloads for the one-line change: the full bundle ${gzip.toLocaleString('en')} B (gzip -9; the package zip is no smaller) against the patch ${size.toLocaleString('en')} B (${((size / gzip) * 100).toFixed(2)} %).`;
    }
    lines.push('', download);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return { title: 'Binary patches (BSDIFF40): @hotpatch/bsdiff against Debian bsdiff 4.3 on the same pairs', lines };
}

module.exports = { runPatchesBenchmark };
