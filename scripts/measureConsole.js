'use strict';
// node scripts/measureConsole.js: the console's size (raw and gzip) and its first load in headless Chromium
// against the local stack (cold cache, then warm: index.html revalidated, hashed files from the cache);
// median of 5. Needs `npm run build:ts` (or npm start/test) first and Debian's chromium.
const { readdirSync, readFileSync } = require('node:fs');
const { gzipSync } = require('node:zlib');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startTestStack } = require('@hotpatch/local/testing');
const { buildConsole, CONSOLE_OUTPUT } = require('./buildConsole');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  await buildConsole();
  for (const name of readdirSync(CONSOLE_OUTPUT)) {
    const body = readFileSync(path.join(CONSOLE_OUTPUT, name));
    process.stdout.write(`${name}: ${body.length} B, gzip ${gzipSync(body).length} B\n`);
  }
  const stack = await startTestStack();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  const measure = async (page) => {
    await page.goto(`${stack.apiUrl}/console/`);
    await page.getByLabel('Key id').waitFor();
    // The deferred script renders the form before DOMContentLoaded ends: the navigation's own timing says when.
    return page.evaluate(() => Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd));
  };
  const cold = [];
  const warm = [];
  for (let run = 0; run < 5; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    cold.push(await measure(page));
    warm.push(await measure(page));
    await context.close();
  }
  process.stdout.write(
    `sign-in form rendered (DOMContentLoaded end): cold ${median(cold)} ms, warm ${median(warm)} ms (median of 5)\n`,
  );
  await browser.close();
  await stack.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
