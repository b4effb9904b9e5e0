#!/usr/bin/env node
// The `hotpatch` command. In this repository it runs the compiled workspace sources (dist/, from `tsc -b`);
// installed from the packed tarball it runs the self-contained bundle (bundle/, written at `npm pack`).
const { existsSync } = require('node:fs');
const path = require('node:path');

const workspaceBuild = path.join(__dirname, '../dist/main.js');
require(existsSync(workspaceBuild) ? workspaceBuild : path.join(__dirname, '../bundle/hotpatch.js'));
