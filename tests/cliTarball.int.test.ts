/**
 * The CLI as an app team installs it: `npm pack` of packages/cli gives a tarball that installs into an app's
 * own repository with nothing else, and `npx hotpatch release` from there releases to a running local stack.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';

const run = promisify(execFile);
const repoRoot = path.join(__dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-cli-tarball-'));
const app = path.join(work, 'my-app');
let stack: LocalStack;
let tarball: string;

beforeAll(async () => {
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' },
  });
  await run('npm', ['pack', '-w', 'packages/cli', '--pack-destination', work], { cwd: repoRoot });
  tarball = path.join(
    work,
    readdirSync(work).find((name) => name.endsWith('.tgz'))!,
  );
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.4.0', private: true }));
  // --offline: the tarball must install from itself alone, with no registry.
  await run('npm', ['install', '--save-dev', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app });
}, 120_000);

afterAll(async () => {
  await stack.close();
  rmSync(work, { recursive: true, force: true });
});

it('packs only the command, its self-contained bundle and its README, and installs no dependencies', async () => {
  const listed = await run('tar', ['-tzf', tarball]);
  expect(listed.stdout.trim().split('\n').sort()).toEqual([
    'package/README.md',
    'package/bin/hotpatch.js',
    'package/bundle/hotpatch.js',
    'package/package.json',
  ]);
  expect(readdirSync(path.join(app, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['@hotpatch']);
});

it('releases from the app folder with npx hotpatch, configured only by the environment', async () => {
  const env = { ...process.env, HOME: work, HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl };
  await run('npx', ['hotpatch', 'app', 'add', 'shop', '--platforms', 'ios'], { cwd: app, env });
  const folder = path.join(app, 'build', 'CodePush');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'main.jsbundle'), 'console.log("from the app repo")');
  writeFileSync(path.join(folder, 'hotpatch.json'), JSON.stringify({ targetBinaryRange: '^1.4.0' }));
  const released = await run(
    'npx',
    ['hotpatch', 'release', './build/CodePush', '--app', 'shop', '--platform', 'ios', '--json'],
    { cwd: app, env },
  );
  expect(JSON.parse(released.stdout)).toMatchObject({
    status: 'accepted',
    release: { app: 'shop', platform: 'ios', channel: 'staging', label: 'v1' },
  });
  const checked = await run(
    'npx',
    [
      'hotpatch',
      'check',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'staging',
      '--app-version',
      '1.4.2',
      '--json',
    ],
    { cwd: app, env },
  );
  expect(JSON.parse(checked.stdout)).toMatchObject({ status: 'update', release: { label: 'v1' } });
});
