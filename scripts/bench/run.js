'use strict';
// npm run bench: every benchmark, each against a baseline measured in the same run. Prints Markdown tables
// to paste into docs/benchmarks.md with the date and machine.
const os = require('node:os');
const { runColdStartBenchmark } = require('./coldStart');
const { runDecisionBenchmark } = require('./decisions');
const { runExpoBenchmark } = require('./expo');
const { runFleetBenchmark } = require('./fleet');
const { runHttpBenchmark } = require('./http');
const { runIngestBenchmark } = require('./ingest');
const { runMetricsBenchmark } = require('./metrics');
const { runPatchesBenchmark } = require('./patches');

const BENCHMARKS = {
  coldStart: runColdStartBenchmark,
  decisions: runDecisionBenchmark,
  expo: runExpoBenchmark,
  fleet: runFleetBenchmark,
  http: runHttpBenchmark,
  ingest: runIngestBenchmark,
  metrics: runMetricsBenchmark,
  patches: runPatchesBenchmark,
};

async function main() {
  const only = process.argv.slice(2);
  const selected = only.length > 0 ? only : Object.keys(BENCHMARKS);
  for (const name of selected)
    if (!BENCHMARKS[name])
      throw new Error(`unknown benchmark ${name}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  process.stdout.write(
    `${new Date().toISOString().slice(0, 10)} · ${os.cpus()[0].model} × ${os.cpus().length} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version}\n\n`,
  );
  for (const name of selected) {
    const { title, lines } = await BENCHMARKS[name]();
    process.stdout.write(`### ${title}\n\n${lines.join('\n')}\n\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
