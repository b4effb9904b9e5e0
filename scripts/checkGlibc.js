'use strict';
// FC's nodejs20 runtime is Debian 10 (glibc 2.28): a native addon loads only if every versioned glibc
// symbol it needs is at most GLIBC_2.28. `node scripts/checkGlibc.js <folder>` checks every .node file below.
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const FC_GLIBC = '2.28';

/** The highest GLIBC_x.y version an `objdump -T` listing asks for, or undefined. */
function highestGlibc(objdumpOutput) {
  const versions = [...objdumpOutput.matchAll(/GLIBC_(\d+(?:\.\d+)*)/g)].map((match) => match[1]);
  return versions.sort(compareVersions).pop();
}

function compareVersions(a, b) {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function nativeFiles(directory) {
  const found = [];
  for (const name of readdirSync(directory)) {
    const file = path.join(directory, name);
    if (statSync(file).isDirectory()) found.push(...nativeFiles(file));
    else if (name.endsWith('.node')) found.push(file);
  }
  return found;
}

/** Problems with the native files below a folder (an empty list when all load on FC). */
function checkGlibc(directory) {
  const problems = [];
  for (const file of nativeFiles(directory)) {
    let listing;
    try {
      listing = execFileSync('objdump', ['-T', file], { encoding: 'utf8' });
    } catch (error) {
      problems.push(
        `${file}: cannot read its symbols (${error.code === 'ENOENT' ? 'objdump is not installed: apt-get install binutils' : error.message})`,
      );
      continue;
    }
    const highest = highestGlibc(listing);
    if (highest && compareVersions(highest, FC_GLIBC) > 0)
      problems.push(`${file} needs GLIBC_${highest}; FC's nodejs20 (Debian 10) has ${FC_GLIBC}`);
  }
  return problems;
}

module.exports = { checkGlibc, highestGlibc, compareVersions, FC_GLIBC };

if (require.main === module) {
  const problems = checkGlibc(process.argv[2] ?? 'artifacts');
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
