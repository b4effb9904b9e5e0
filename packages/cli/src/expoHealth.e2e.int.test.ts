/**
 * Issue 13's health and auto-halt for Expo apps, on the local stack through the CLI and HTTP as devices see them:
 * the Expo route's launch signals are unauthenticated, so health shows them apart (`unverified`) and auto-halt
 * counts them only on a channel that opts in (`--halt-on-unverified-signals`). There, an Expo release that 15 of
 * 100 devices fail to launch (they say so in `Expo-Recent-Failed-Update-IDs`) is disabled once the warm
 * getLatestBundle instance has flushed its signals and the timer has run, and a device still on it is told to
 * roll back to its embedded update; with 5 failures it stays enabled. Without the opt-in, 30 forged failures
 * of 100 halt nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMultipartMixedResponseAsync } from '@expo/multipart-body-parser';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { EXIT } from './runCli';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'fixtures', 'expo');
const APP = 'fleet';
const RUNTIME = '1.0.0';
const EMBEDDED = '0e1b2c3d-0000-4000-8000-00000000e0b0';
const TIMER_SECONDS = 2;
const POLICY = ['--halt-failure-rate', '10', '--halt-min-installs', '50'];
const OPT_IN = [...POLICY, '--halt-on-unverified-signals'];

let stack: LocalStack;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-expo-health-'));
const hotpatch = (...args: string[]): Promise<HotpatchRun> =>
  runHotpatch({ HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work }, args);
const deployment = (channel: string) => ['--app', APP, '--platform', 'ios', '--channel', channel];

type Answer = { manifest: { id: string } } | { directive: { type: string } };

/** One manifest request with the headers expo-updates sends (plus its failed ids, when it has any). */
async function check(
  channel: string,
  clientId: string,
  currentUpdateId: string,
  failedIds: string[] = [],
): Promise<Answer> {
  const response = await fetch(`${stack.apiUrl}/v1/expo/${APP}/manifest`, {
    headers: {
      Accept: 'multipart/mixed,application/expo+json,application/json',
      'Expo-Platform': 'ios',
      'Expo-Protocol-Version': '1',
      'EAS-Client-ID': clientId,
      'Expo-Runtime-Version': RUNTIME,
      'Expo-Current-Update-ID': currentUpdateId,
      'Expo-Embedded-Update-ID': EMBEDDED,
      'expo-channel-name': channel,
      ...(failedIds.length > 0 ? { 'Expo-Recent-Failed-Update-IDs': failedIds.map((id) => `"${id}"`).join(', ') } : {}),
    },
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`manifest ${response.status}: ${body.toString()}`);
  const [part] = await parseMultipartMixedResponseAsync(response.headers.get('content-type')!, body);
  const json = JSON.parse(part!.body) as unknown;
  return part!.headers.get('content-disposition') === 'inline; name="manifest"'
    ? { manifest: json as { id: string } }
    : { directive: json as { type: string } };
}

const clientId = (channel: string, index: number): string => `${channel}-device-${index}`;

/**
 * 100 devices get the update and then run it (their next request says so); `failures` of them later fail to
 * launch it and are back on their embedded update, which their next request reports.
 */
async function fleet(channel: string, updateId: string, failures: number): Promise<void> {
  for (let start = 0; start < 100; start += 25)
    await Promise.all(
      Array.from({ length: 25 }, async (_, offset) => {
        const device = clientId(channel, start + offset);
        expect(await check(channel, device, EMBEDDED)).toEqual({ manifest: expect.objectContaining({ id: updateId }) });
        expect(await check(channel, device, updateId)).toEqual({ directive: { type: 'noUpdateAvailable' } });
      }),
    );
  for (let index = 0; index < failures; index += 1)
    await check(channel, clientId(channel, index), EMBEDDED, [updateId]);
}

/** The signals are written by the first request after a period: a quiet device asks once the period is over. */
async function flushSignals(channel: string, installed: number, failed: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, TIMER_SECONDS * 1000 + 100));
  await check(channel, 'quiet-device', EMBEDDED);
  // The write is not awaited by the request; health adds the reports not folded yet, so it shows when it landed.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const health = await hotpatch('health', ...deployment(channel), '--json');
    const [release] = health.json.releases as { unverified?: { installed: number; failed: number } }[];
    if (release!.unverified?.installed === installed && release!.unverified.failed === failed) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the signals of ${channel} never landed`);
}

const updateIds: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0', HOTPATCH_TIMER_SECONDS: String(TIMER_SECONDS) },
  });
  expect((await hotpatch('app', 'add', APP, '--platforms', 'ios')).code).toBe(EXIT.ok);
  expect((await hotpatch('channel', 'add', APP, 'beta')).code).toBe(EXIT.ok);
  for (const channel of ['staging', 'production', 'beta']) {
    const released = await hotpatch(
      'release',
      '--expo',
      path.join(FIXTURE, 'dist'),
      ...deployment(channel),
      '--runtime-version',
      RUNTIME,
      '--json',
    );
    expect(released.stderr).toBe('');
    updateIds[channel] = (released.json.releases as { id: string }[])[0]!.id;
    expect((await hotpatch('channel', 'set', APP, channel, ...(channel === 'beta' ? POLICY : OPT_IN))).code).toBe(
      EXIT.ok,
    );
  }
}, 60_000);

afterAll(async () => {
  await stack.close();
  rmSync(work, { recursive: true, force: true });
});

describe('release health and auto-halt from Expo launch signals', () => {
  it('15 of 100 devices fail to launch it: halted by the timer, health shows the failures, a device on it rolls back', async () => {
    const v1 = updateIds.staging!;
    await fleet('staging', v1, 15);
    await flushSignals('staging', 100, 15);
    // Within one timer period once the signals landed: counted in runs (the one under way may have missed them).
    const runsBefore = stack.timerRunsCompleted;
    let history: HotpatchRun;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      history = await hotpatch('history', ...deployment('staging'), '--json');
    } while (!history.json.releases[0].disabled && stack.timerRunsCompleted < runsBefore + 2);
    const [release] = history.json.releases as any[];
    expect(release).toMatchObject({ label: 'v1', disabled: true, lastPatch: { by: 'auto-halt' } });
    // The numbers it decided on: all of them, or what was folded when the period fell mid-way.
    expect(release.autoHalt.installed + release.autoHalt.failed).toBeGreaterThanOrEqual(50);
    expect(release.autoHalt.failureRatePercent).toBeGreaterThanOrEqual(10);

    const health = await hotpatch('health', ...deployment('staging'), '--json');
    expect(health.json.releases).toEqual([
      expect.objectContaining({
        label: 'v1',
        installed: 0,
        failed: 0,
        disabled: true,
        unverified: { installed: 100, failed: 15, active: 85, failureRate: 15 / 115 },
      }),
    ]);
    const table = await hotpatch('health', ...deployment('staging'));
    expect(table.stdout).toMatch(
      /^\s+└ unverified\s+100\s+15\s+85\s+13\.0%.*device-reported \(Expo\), unauthenticated$/m,
    );
    expect(table.stdout).toMatch(/counting unverified signals/);
    expect(table.stdout).toMatch(/halted by auto-halt/);
    // A device still on it goes back to the update embedded in its binary.
    expect(await check('staging', clientId('staging', 99), v1)).toEqual({
      directive: expect.objectContaining({ type: 'rollBackToEmbedded' }),
    });
  }, 60_000);

  it('5 of 100 fail: the release stays enabled, and health counts them', async () => {
    const v1 = updateIds.production!;
    await fleet('production', v1, 5);
    await flushSignals('production', 100, 5);
    await stack.runTimer();
    await stack.runTimer();
    const history = await hotpatch('history', ...deployment('production'), '--json');
    expect(history.json.releases[0]).toMatchObject({ label: 'v1', disabled: false });
    expect(history.json.releases[0].autoHalt).toBeUndefined();
    const health = await hotpatch('health', ...deployment('production'), '--json');
    expect(health.json).toMatchObject({
      releases: [{ label: 'v1', unverified: { installed: 100, failed: 5, active: 95 }, disabled: false }],
      pendingReports: 0,
    });
    expect(await check('production', clientId('production', 99), v1)).toEqual({
      directive: { type: 'noUpdateAvailable' },
    });
  }, 60_000);

  it('without the opt-in, 30 forged failures of 100 halt nothing: health shows them as unverified', async () => {
    const v1 = updateIds.beta!;
    await fleet('beta', v1, 30);
    await flushSignals('beta', 100, 30);
    await stack.runTimer();
    await stack.runTimer();
    const history = await hotpatch('history', ...deployment('beta'), '--json');
    expect(history.json.releases[0]).toMatchObject({ label: 'v1', disabled: false });
    expect(history.json.releases[0].autoHalt).toBeUndefined();
    const table = await hotpatch('health', ...deployment('beta'));
    expect(table.stdout).toMatch(/^v1\s+0\s+0\s+0\s+0\s+-/m);
    expect(table.stdout).toMatch(/└ unverified\s+100\s+30\s+70\s+23\.1%/);
    expect(table.stdout).toMatch(/not counting unverified signals/);
    expect(await check('beta', clientId('beta', 99), v1)).toEqual({ directive: { type: 'noUpdateAvailable' } });
  }, 60_000);
});
