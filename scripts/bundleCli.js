'use strict';
// The installable CLI: one self-contained CommonJS file (packages/cli/bundle/hotpatch.js) holding the CLI,
// @hotpatch/core, @hotpatch/common and every npm dependency, so `npm pack` of packages/cli gives a tarball that
// installs with no dependencies (the workspace packages are not published, and an app's repository should not
// pull the CLI's dependency tree). Run by packages/cli's `prepack`; `npm run pack:cli` writes the tarball.
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUTFILE = path.join(ROOT, 'packages/cli/bundle/hotpatch.js');

async function main() {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['packages/cli/src/main.ts'],
    outfile: OUTFILE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    alias: {
      '@hotpatch/core': './packages/core/src/index.ts',
      '@hotpatch/common': './packages/common/src/index.ts',
    },
    // ali-oss's HTTP client loads proxy-agent only when an HTTP proxy is configured for it, which the CLI never does.
    external: ['proxy-agent'],
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs)[0].bytes;
  process.stdout.write(`${path.relative(ROOT, OUTFILE)}: ${(bytes / 1024).toFixed(0)} KB\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
