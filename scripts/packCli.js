'use strict';
// npm run pack:cli: the installable CLI tarball in artifacts/ (packages/cli's prepack bundles it first).
const { execFileSync } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const destination = path.join(ROOT, 'artifacts');
mkdirSync(destination, { recursive: true });
execFileSync('npm', ['pack', '-w', 'packages/cli', '--pack-destination', destination], { cwd: ROOT, stdio: 'inherit' });
