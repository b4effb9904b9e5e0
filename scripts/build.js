'use strict';
// npm run build: for each function, one bundled, minified CommonJS file exporting `handler`
// (artifacts/<function>/index.js), its deployable zip (artifacts/<function>.zip) and a size report.
const { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const yazl = require('yazl');
const { checkGlibc } = require('./checkGlibc');
const { buildConsole } = require('./buildConsole');

const ROOT = path.resolve(__dirname, '..');
const ARTIFACTS = path.join(ROOT, 'artifacts');
const FUNCTIONS = ['uploadBundle', 'getLatestBundle', 'publishBundle'];

/** Workspace packages are bundled from their TypeScript sources, so unused exports shake out. */
const ALIASES = {
  '@hotpatch/core': './packages/core/src/index.ts',
  '@hotpatch/common': './packages/common/src/index.ts',
  '@hotpatch/bsdiff': './packages/bsdiff/src/index.ts',
};

function zipArtifact(directory, output, consoleFiles = []) {
  const zip = new yazl.ZipFile();
  zip.addFile(path.join(directory, 'index.js'), 'index.js');
  // publishBundle serves the web console from console/ beside its handler.
  for (const name of consoleFiles) zip.addFile(path.join(directory, 'console', name), `console/${name}`);
  zip.end();
  return new Promise((resolve, reject) =>
    zip.outputStream.pipe(createWriteStream(output)).on('finish', resolve).on('error', reject),
  );
}

async function buildFunction(name) {
  const directory = path.join(ARTIFACTS, name);
  mkdirSync(directory, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [`packages/${name}/src/index.ts`],
    outfile: path.join(directory, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    alias: ALIASES,
    // FC's Node.js runtimes ship ali-oss; hotpatch loads it only when HOTPATCH_OSS_CLIENT=ali-oss.
    external: ['ali-oss'],
    metafile: true,
    logLevel: 'warning',
  });
  const consoleFiles =
    name === 'publishBundle' ? (await buildConsole(path.join(directory, 'console'))).map((file) => file.name) : [];
  const zipFile = path.join(ARTIFACTS, `${name}.zip`);
  await zipArtifact(directory, zipFile, consoleFiles);
  const inputs = Object.entries(result.metafile.outputs[path.relative(ROOT, path.join(directory, 'index.js'))].inputs)
    .map(([file, { bytesInOutput }]) => ({ file, bytesInOutput }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput);
  const byPackage = {};
  for (const { file, bytesInOutput } of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const owner = match ? match[1] : file.split('/').slice(0, 2).join('/');
    byPackage[owner] = (byPackage[owner] ?? 0) + bytesInOutput;
  }
  return {
    name,
    handler: 'index.handler',
    bundleBytes: statSync(path.join(directory, 'index.js')).size,
    zipBytes: statSync(zipFile).size,
    zip: path.relative(ROOT, zipFile),
    byPackage,
  };
}

async function main() {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  const report = [];
  for (const name of FUNCTIONS) report.push(await buildFunction(name));
  const problems = checkGlibc(ARTIFACTS);
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  writeFileSync(path.join(ARTIFACTS, 'size-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write('function          bundle      zip        largest parts\n');
  for (const entry of report) {
    const largest = Object.entries(entry.byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([owner, bytes]) => `${owner} ${kb(bytes)}`)
      .join(', ');
    process.stdout.write(
      `${entry.name.padEnd(17)} ${kb(entry.bundleBytes).padEnd(11)} ${kb(entry.zipBytes).padEnd(10)} ${largest}\n`,
    );
  }
  process.stdout.write(
    `\nartifacts/<function>.zip, handler index.handler, runtime nodejs20; report in artifacts/size-report.json\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
