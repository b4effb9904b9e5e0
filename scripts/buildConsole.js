'use strict';
// Builds the web console (packages/console) into packages/console/dist/web: index.html, one JS and one CSS
// file named by their content hash, so publishBundle can let browsers keep them for a year and revalidate
// only index.html. Run by `npm start`, `npm test` and `npm run build` (scripts/build.js zips the files into
// publishBundle's artifact); esbuild takes well under a second.
const { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const SOURCE = path.join(ROOT, 'packages/console/src');
const OUTPUT = path.join(ROOT, 'packages/console/dist/web');

/** Builds the console into `outdir`; resolves the files written with their sizes. */
async function buildConsole(outdir = OUTPUT) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(SOURCE, 'main.ts'), path.join(SOURCE, 'style.css')],
    outdir,
    entryNames: 'console-[hash]',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    // core from its TypeScript sources, as the functions are bundled: only what the console uses remains.
    alias: { '@hotpatch/core': './packages/core/src/index.ts' },
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((name) => name.endsWith('.js'));
  const style = outputs.find((name) => name.endsWith('.css'));
  const html = readFileSync(path.join(SOURCE, 'index.html'), 'utf8')
    .replace('%SCRIPT%', script)
    .replace('%STYLE%', style);
  writeFileSync(path.join(outdir, 'index.html'), html);
  return ['index.html', script, style].map((name) => ({ name, bytes: statSync(path.join(outdir, name)).size }));
}

module.exports = { buildConsole, CONSOLE_OUTPUT: OUTPUT };

if (require.main === module) {
  buildConsole().then(
    (files) => {
      for (const file of files) process.stdout.write(`console ${file.name} ${(file.bytes / 1024).toFixed(1)} KB\n`);
    },
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
