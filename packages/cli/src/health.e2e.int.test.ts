import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createOssStore, writeJson } from '@hotpatch/common';
import { metricsKeys } from '@hotpatch/core';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-health-'));
let stack: LocalStack;
const hotpatch = (...args: string[]): Promise<HotpatchRun> =>
  runHotpatch({ HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work }, args);
const deployment = ['--app', 'shop', '--platform', 'ios', '--channel', 'staging'];

function bundleFolder(name: string, code: string): string {
  const folder = path.join(work, name, 'CodePush');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'main.jsbundle'), code);
  return folder;
}

beforeAll(async () => {
  stack = await startTestStack({ dataDir: path.join(work, 'stack') });
  expect((await hotpatch('app', 'add', 'shop', '--platforms', 'ios')).code).toBe(0);
  for (const [name, range] of [
    ['one', '^1.0.0'],
    ['two', '^2.0.0'],
  ] as const)
    expect(
      (await hotpatch('release', bundleFolder(name, name), '--app', 'shop', '--platform', 'ios', '--target', range))
        .code,
    ).toBe(0);
  // What 40 devices reported on v1 (8 failed), as getLatestBundle stores reports.
  const store = createOssStore({
    bucket: stack.bucket,
    endpoint: stack.ossUrl,
    credentials: () => ({ accessKeyId: 'hotpatch-dev-key-id', accessKeySecret: 'hotpatch-dev-key-secret' }),
    downloadUrl: { mode: 'public', baseUrl: 'http://unused' },
  });
  for (let device = 0; device < 40; device += 1)
    await writeJson(
      store,
      metricsKeys.report({ app: 'shop', platform: 'ios', channel: 'staging' }, new Date(), `device${device}`),
      {
        at: new Date().toISOString(),
        deltas: device < 8 ? { 'v1:DeploymentFailed': 1 } : { 'v1:Active': 1, 'v1:DeploymentSucceeded': 1 },
      },
    );
}, 60_000);

afterAll(() => stack.close());

describe('hotpatch health, channel set, check --explain, gc', () => {
  it('health prints a row and a failure-rate bar per release, newest first; --json gives the wire answer', async () => {
    await stack.runTimer();
    const table = await hotpatch('health', ...deployment);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^release\s+downloads\s+installs\s+failures\s+active\s+failed\s+failure rate$/);
    expect(lines[1]).toMatch(/^v2\s+0\s+0\s+0\s+0\s+-\s+$/);
    expect(lines[2]).toBe(`v1${' '.repeat(15)}0       32        8      32   20.0%  ████░░░░░░░░░░░░░░░░`);
    expect(table.stdout).toContain('auto-halt: off');
    const json = await hotpatch('health', ...deployment, '--label', 'v1', '--json');
    expect(json.json).toMatchObject({
      releases: [{ label: 'v1', installed: 32, failed: 8, failureRate: 0.2 }],
      pendingReports: 0,
      foldedAt: expect.any(String),
    });
    const unknown = await hotpatch('health', ...deployment, '--label', 'v9');
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({
      code: 1,
      stderr: 'hotpatch: 404 NotFound: staging has no release "v9"\n',
    });
  });

  it('channel set stores the policy, the next timer run halts v1, and history and health say why', async () => {
    const set = await hotpatch(
      'channel',
      'set',
      'shop',
      'staging',
      '--halt-failure-rate',
      '15',
      '--halt-min-installs',
      '30',
    );
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('staging      auto-halt at 15% failures after 30 installs');
    await stack.runTimer();
    const history = await hotpatch('history', ...deployment);
    expect(history.stdout).toMatch(
      /v1 for \^1\.0\.0 \(disabled\).*patched .* by auto-halt: 20% failures of 40 install attempts/,
    );
    const health = await hotpatch('health', ...deployment);
    expect(health.stdout).toMatch(/halted by auto-halt .*: 20% of 40/);
    expect(health.stdout).toContain('auto-halt: at 15% failures after 30 installs');
  });

  it('channel set refuses half a policy or --no-halt with one (exit 2), and --no-halt clears it', async () => {
    for (const args of [
      ['--halt-failure-rate', '10'],
      ['--no-halt', '--halt-min-installs', '5'],
      [],
      ['--halt-failure-rate', '0', '--halt-min-installs', '5'],
    ]) {
      const refused = await hotpatch('channel', 'set', 'shop', 'staging', ...args);
      expect({ args, code: refused.code }).toEqual({ args, code: 2 });
    }
    const cleared = await hotpatch('channel', 'set', 'shop', 'staging', '--no-halt', '--json');
    expect(cleared.json.app.channels.staging.haltPolicy).toBeUndefined();
  });

  it('check --explain names why each release was or was not the answer', async () => {
    const explained = await hotpatch('check', ...deployment, '--app-version', '1.2.0', '--explain');
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe(
      [
        'up to date; the newest release needs a binary matching ^2.0.0',
        'why (binaryUpdateNeeded):',
        '  v2     ^2.0.0         rollout 100%  binary version outside its range',
        '  v1     ^1.0.0         rollout 100%  disabled',
        '',
      ].join('\n'),
    );
    const plain = await hotpatch('check', ...deployment, '--app-version', '2.0.0', '--json');
    expect(plain.json).toMatchObject({ status: 'update', release: { label: 'v2' } });
    expect(plain.json.explain).toBeUndefined();
  });

  it('gc is a dry run by default and keeps everything a release references', async () => {
    const dry = await hotpatch('gc', '--json');
    expect(dry.code).toBe(0);
    // Everything on this fresh stack is younger than the grace period or referenced.
    expect(dry.json).toMatchObject({ dryRun: true, bytesFreed: 0, kept: { referenced: 4 } });
    const both = await hotpatch('gc', '--dry-run', '--yes');
    expect(both.code).toBe(2);
  });
});
