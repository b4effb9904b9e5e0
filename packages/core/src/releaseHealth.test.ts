import { withHaltPolicy, type AppRecord } from './appRecord';
import {
  autoHaltDecision,
  EMPTY_FOLD,
  HEALTH_HISTORY,
  nextFoldGeneration,
  releaseHealth,
  releaseHistory,
} from './releaseHealth';
import { catalogForCase } from './testing';

const releases = catalogForCase(
  {
    name: 'two releases',
    releases: [
      { range: '^1.0.0', content: 'a' },
      { range: '^1.0.0', content: 'b' },
    ],
    request: { appVersion: '1.0.0' },
    expected: { status: 'upToDate' },
  },
  { app: 'shop', platform: 'ios', channel: 'production' },
).releases;

const counters = (installed: number, failed: number) =>
  new Map([
    ['v2:DeploymentSucceeded', installed],
    ['v2:Active', installed],
    ['v2:DeploymentFailed', failed],
    ['v2:Downloaded', installed + failed],
    ['1.0.0:Active', 3],
  ]);

describe('nextFoldGeneration', () => {
  it('adds a batch to the running totals and names the batch', () => {
    const first = nextFoldGeneration(EMPTY_FOLD, [{ name: 'a.json', deltas: new Map([['v1:Active', 1]]) }], 't1');
    const second = nextFoldGeneration(first, [{ name: 'b.json', deltas: new Map([['v1:Active', 2]]) }], 't2');
    expect(second).toEqual({
      schemaVersion: 1,
      generation: 2,
      at: 't2',
      totals: { 'v1:Active': 3 },
      reports: 2,
      batch: ['b.json'],
      history: [
        { at: 't1', releases: { v1: [0, 0, 0, 1] } },
        { at: 't2', releases: { v1: [0, 0, 0, 3] } },
      ],
    });
  });
});

describe('the health history a generation carries', () => {
  const minutes = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  const fold = (previous: typeof EMPTY_FOLD, at: string, deltas: [string, number][]) =>
    nextFoldGeneration(previous, [{ name: `${at}.json`, deltas: new Map(deltas) }], at);

  it('adds a point per spacing; a fold sooner replaces the newest point, so it is always the latest', () => {
    const spacing = HEALTH_HISTORY.spacingMs / 60_000;
    const a = fold(EMPTY_FOLD, minutes(0), [
      ['v1:DeploymentSucceeded', 4],
      ['v1:Downloaded', 5],
      ['1.0.0:Active', 9],
    ]);
    const b = fold(a, minutes(1), [['v1:DeploymentFailed', 1]]);
    const c = fold(b, minutes(spacing + 1), [
      ['v2:Downloaded', 2],
      ['v1:Active', 3],
    ]);
    expect(c.history).toEqual([
      { at: minutes(1), releases: { v1: [5, 4, 1, 0] } },
      { at: minutes(spacing + 1), releases: { v2: [2, 0, 0, 0], v1: [5, 4, 1, 3] } },
    ]);
    expect(releaseHistory(c.history!, 'v2')).toEqual([
      { at: minutes(spacing + 1), downloaded: 2, installed: 0, failed: 0, active: 0 },
    ]);
    expect(releaseHistory(c.history!, '__proto__')).toEqual([]);
  });

  it('is bounded: at most HEALTH_HISTORY.points points of the newest HEALTH_HISTORY.releases labels', () => {
    let generation = EMPTY_FOLD;
    const steps = HEALTH_HISTORY.points + 5;
    for (let step = 0; step < steps; step += 1)
      generation = fold(generation, minutes((step * HEALTH_HISTORY.spacingMs) / 60_000), [
        [`v${step + 1}:Downloaded`, 1],
      ]);
    expect(generation.history).toHaveLength(HEALTH_HISTORY.points);
    expect(generation.history![0]!.at).toBe(minutes((5 * HEALTH_HISTORY.spacingMs) / 60_000));
    const newest = Object.keys(generation.history![HEALTH_HISTORY.points - 1]!.releases);
    expect(newest).toEqual(Array.from({ length: HEALTH_HISTORY.releases }, (_, index) => `v${steps - index}`));
  });
});

describe('releaseHealth', () => {
  it('gives each release its counts and failure rate, newest first, and binary versions apart', () => {
    const health = releaseHealth([counters(85, 15)], releases);
    expect(health.releases).toEqual([
      { label: 'v2', downloaded: 100, installed: 85, failed: 15, active: 85, failureRate: 0.15, disabled: false },
      { label: 'v1', downloaded: 0, installed: 0, failed: 0, active: 0, failureRate: null, disabled: false },
    ]);
    expect(health.binaryVersions).toEqual({ '1.0.0': 3 });
  });
});

describe('autoHaltDecision', () => {
  const policy = { failureRatePercent: 10, minInstalls: 50 };
  const v2 = releases[1]!;
  const row = (installed: number, failed: number) =>
    releaseHealth([counters(installed, failed)], releases).releases[0]!;

  it('halts at the threshold once the minimum of install attempts (failures included) is reached', () => {
    expect(autoHaltDecision(row(85, 15), v2, policy, 't')).toEqual({
      at: 't',
      installed: 85,
      failed: 15,
      failureRatePercent: 15,
      policy,
    });
    expect(autoHaltDecision(row(45, 5), v2, policy, 't')).toMatchObject({ failureRatePercent: 10 });
  });

  it('does not halt below the threshold, below the minimum, without a policy, or a release halted or disabled before', () => {
    expect(autoHaltDecision(row(95, 5), v2, policy, 't')).toBeUndefined();
    expect(autoHaltDecision(row(20, 20), v2, policy, 't')).toBeUndefined();
    expect(autoHaltDecision(row(85, 15), v2, undefined, 't')).toBeUndefined();
    expect(autoHaltDecision(row(85, 15), { ...v2, disabled: true }, policy, 't')).toBeUndefined();
    const halted = autoHaltDecision(row(85, 15), v2, policy, 't')!;
    expect(autoHaltDecision(row(85, 15), { ...v2, autoHalt: halted }, policy, 't')).toBeUndefined();
  });

  // The review's case: 100 keyed installs, then 20 failures forged through the anonymous Expo route.
  const forged = new Map([
    ['v2:UnverifiedFailed', 20],
    ['v2:UnverifiedSucceeded', 3],
    ['v2:UnverifiedActive', 3],
  ]);
  const withForged = () => releaseHealth([counters(100, 0), forged], releases).releases[0]!;

  it('shows Expo-route signals apart, as unverified, and does not let them halt without the opt-in', () => {
    const health = withForged();
    expect(health).toMatchObject({ installed: 100, failed: 0, active: 100, failureRate: 0 });
    expect(health.unverified).toEqual({ installed: 3, failed: 20, active: 3, failureRate: 20 / 23 });
    expect(autoHaltDecision(health, v2, { failureRatePercent: 15, minInstalls: 50 }, 't')).toBeUndefined();
    // A release with unverified signals alone never reaches a policy without the opt-in.
    const onlyForged = releaseHealth([forged], releases).releases[0]!;
    expect(autoHaltDecision(onlyForged, v2, { failureRatePercent: 10, minInstalls: 1 }, 't')).toBeUndefined();
  });

  it('counts them with the opt-in (unverifiedSignals)', () => {
    const optIn = { failureRatePercent: 15, minInstalls: 50, unverifiedSignals: true };
    expect(autoHaltDecision(withForged(), v2, optIn, 't')).toEqual({
      at: 't',
      installed: 103,
      failed: 20,
      failureRatePercent: 16.26,
      policy: optIn,
    });
  });
});

describe('withHaltPolicy', () => {
  it('keeps the unverified opt-in and refuses a non-boolean one', () => {
    const base: AppRecord = {
      schemaVersion: 1,
      name: 'shop',
      platforms: ['ios'],
      channels: { production: { deploymentKeys: { ios: 'k' }, createdAt: 't' } },
      createdAt: 't',
    };
    const set = withHaltPolicy(base, 'production', { failureRatePercent: 5, minInstalls: 1, unverifiedSignals: true });
    expect(set.kind === 'ok' && set.change.record.channels.production!.haltPolicy).toEqual({
      failureRatePercent: 5,
      minInstalls: 1,
      unverifiedSignals: true,
    });
    const bad = { failureRatePercent: 5, minInstalls: 1, unverifiedSignals: 'yes' as unknown as boolean };
    expect(withHaltPolicy(base, 'production', bad)).toMatchObject({ kind: 'invalid' });
  });

  const app: AppRecord = {
    schemaVersion: 1,
    name: 'shop',
    platforms: ['ios'],
    channels: { production: { deploymentKeys: { ios: 'k' }, createdAt: 't' } },
    createdAt: 't',
  };

  it('sets and clears a channel policy, and refuses a bad one or an unknown channel', () => {
    const set = withHaltPolicy(app, 'production', { failureRatePercent: 10, minInstalls: 50 });
    expect(set.kind === 'ok' && set.change.record.channels.production!.haltPolicy).toEqual({
      failureRatePercent: 10,
      minInstalls: 50,
    });
    const cleared = set.kind === 'ok' ? withHaltPolicy(set.change.record, 'production', null) : set;
    expect(cleared.kind === 'ok' && cleared.change.record.channels.production).toEqual({
      deploymentKeys: { ios: 'k' },
      createdAt: 't',
    });
    expect(withHaltPolicy(app, 'production', { failureRatePercent: 0, minInstalls: 5 })).toMatchObject({
      kind: 'invalid',
    });
    expect(withHaltPolicy(app, 'production', { failureRatePercent: 5, minInstalls: 0.5 })).toMatchObject({
      kind: 'invalid',
    });
    expect(withHaltPolicy(app, 'beta', null)).toMatchObject({ kind: 'notFound' });
  });
});
