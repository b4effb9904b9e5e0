'use strict';
// One patch in a fresh process: `node patchWorker.js <old> <new> <patch out>` prints {ms, bytes, maxRssMb},
// so each measurement (time, peak RSS) covers exactly one diff, including holding both bundles.
const { readFileSync, writeFileSync } = require('node:fs');
const { bsdiff } = require('../../packages/bsdiff/dist');

const [oldFile, newFile, patchFile] = process.argv.slice(2);
const old = readFileSync(oldFile);
const target = readFileSync(newFile);
const started = process.hrtime.bigint();
const patch = bsdiff(old, target);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
writeFileSync(patchFile, patch);
process.stdout.write(JSON.stringify({ ms, bytes: patch.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
