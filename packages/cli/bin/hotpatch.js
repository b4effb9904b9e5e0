#!/usr/bin/env node
// The `hotpatch` command: a tracked, executable shim, so npm can link it before the TypeScript is compiled.
require('../dist/main.js');
