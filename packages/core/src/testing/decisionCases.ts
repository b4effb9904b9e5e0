import type { Catalog, Release } from '../releaseLog';
import { sha256Hex } from '../sha256Hex';
import type { DeploymentRef } from '../storageKeys';

/** A release of a case's history, oldest first; labels are v1, v2, … in order. */
export interface CaseRelease {
  range: string;
  /** A short content id; the package hash is `hashOf(id)`. */
  content: string;
  mandatory?: boolean;
  disabled?: boolean;
  rollout?: number;
}

export type ExpectedDecision =
  | { status: 'update'; label: string; mandatory: boolean }
  | { status: 'upToDate' }
  | { status: 'binaryUpdateNeeded'; targetBinaryRange: string }
  | { status: 'rollback'; label: string | null };

export interface DecisionCase {
  name: string;
  releases: CaseRelease[];
  /** `bundle` is a content id (its hash is sent) or a raw 64-hex hash; absent = the embedded bundle. */
  request: { appVersion: string; bundle?: string; clientId?: string };
  expected: ExpectedDecision;
}

/** The package hash of a case's content id. */
export const hashOf = (content: string): string =>
  /^[0-9a-f]{64}$/.test(content) ? content : sha256Hex(`content:${content}`);

const update = (label: string, mandatory = false): ExpectedDecision => ({ status: 'update', label, mandatory });
const upToDate: ExpectedDecision = { status: 'upToDate' };
const binary = (targetBinaryRange: string): ExpectedDecision => ({ status: 'binaryUpdateNeeded', targetBinaryRange });
const rollback = (label: string | null): ExpectedDecision => ({ status: 'rollback', label });
const r = (range: string, content: string, flags: Partial<CaseRelease> = {}): CaseRelease => ({
  range,
  content,
  ...flags,
});

// Client ids with known rollout buckets for label v2 (rolloutBucket(id, 'v2')), checked in decideUpdate.test.ts.
export const COHORT = { bucket5: 'client-125', bucket95: 'client-26' } as const;

/**
 * The update-decision cases, one table run against the pure function (core) and over HTTP against the local
 * stack (getLatestBundle). Histories marked "MS" are microsoft/code-push-server's acquisition tests
 * (docs/protocols/codepush.md §7.2), with their "updateAppVersion" answers as binaryUpdateNeeded.
 */
export const DECISION_CASES: DecisionCase[] = [
  // --- empty and basic ---------------------------------------------------------------------------------
  { name: 'no releases: up to date', releases: [], request: { appVersion: '1.0.0' }, expected: upToDate },
  {
    name: 'no releases, running a bundle: up to date (never a rollback from an empty catalog)',
    releases: [],
    request: { appVersion: '1.0.0', bundle: 'x' },
    expected: upToDate,
  },
  {
    name: 'one release for the binary: update',
    releases: [r('1.0.0', 'a')],
    request: { appVersion: '1.0.0' },
    expected: update('v1'),
  },
  {
    name: 'one release, client already on it: up to date',
    releases: [r('1.0.0', 'a')],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: upToDate,
  },
  {
    name: 'one mandatory release: mandatory update',
    releases: [r('1.0.0', 'a', { mandatory: true })],
    request: { appVersion: '1.0.0' },
    expected: update('v1', true),
  },
  {
    name: 'two releases: the newest wins',
    releases: [r('1.0.0', 'a'), r('1.0.0', 'b')],
    request: { appVersion: '1.0.0' },
    expected: update('v2'),
  },
  {
    name: 'client on the older of two: update to the newest',
    releases: [r('1.0.0', 'a'), r('1.0.0', 'b')],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: update('v2'),
  },
  {
    name: 'client on the newest of two: up to date',
    releases: [r('1.0.0', 'a'), r('1.0.0', 'b')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: upToDate,
  },
  {
    name: 'client on an unknown bundle: update to the newest',
    releases: [r('1.0.0', 'a'), r('1.0.0', 'b')],
    request: { appVersion: '1.0.0', bundle: 'zzz' },
    expected: update('v2'),
  },
  {
    name: 'same content released twice: client on it is up to date',
    releases: [r('1.0.0', 'a'), r('1.0.0', 'b'), r('1.0.0', 'a')],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: upToDate,
  },

  // --- semver targeting (node-semver, default options) -------------------------------------------------
  {
    name: 'caret range matches a minor above',
    releases: [r('^1.2.0', 'a')],
    request: { appVersion: '1.5.3' },
    expected: update('v1'),
  },
  {
    name: 'caret range excludes the next major',
    releases: [r('^1.2.0', 'a')],
    request: { appVersion: '2.0.0' },
    expected: upToDate,
  },
  {
    name: 'tilde range matches a patch above',
    releases: [r('~1.2.0', 'a')],
    request: { appVersion: '1.2.9' },
    expected: update('v1'),
  },
  {
    name: 'tilde range excludes the next minor (binary newer): up to date',
    releases: [r('~1.2.0', 'a')],
    request: { appVersion: '1.3.0' },
    expected: upToDate,
  },
  { name: 'x-range matches', releases: [r('1.x', 'a')], request: { appVersion: '1.99.0' }, expected: update('v1') },
  {
    name: 'star matches any release version',
    releases: [r('*', 'a')],
    request: { appVersion: '42.0.1' },
    expected: update('v1'),
  },
  {
    name: 'star does not match a pre-release binary',
    releases: [r('*', 'a')],
    request: { appVersion: '1.0.0-beta.1' },
    expected: binary('*'),
  },
  {
    name: 'a range naming the pre-release matches it',
    releases: [r('>=1.0.0-beta.0 <1.0.0', 'a')],
    request: { appVersion: '1.0.0-beta.3' },
    expected: update('v1'),
  },
  {
    name: 'pre-release of another tuple does not match (node-semver counts it above the range): up to date',
    releases: [r('>=1.0.0-beta.0 <2.0.0', 'a')],
    request: { appVersion: '1.1.0-beta.1' },
    expected: upToDate,
  },
  {
    name: 'build metadata is ignored',
    releases: [r('1.0.0', 'a')],
    request: { appVersion: '1.0.0+build.7' },
    expected: update('v1'),
  },
  {
    name: 'hyphen range matches inside',
    releases: [r('1.0.0 - 1.4.0', 'a')],
    request: { appVersion: '1.3.2' },
    expected: update('v1'),
  },
  {
    name: 'hyphen range: binary above is up to date',
    releases: [r('1.0.0 - 1.4.0', 'a')],
    request: { appVersion: '1.5.0' },
    expected: upToDate,
  },
  {
    name: 'OR range matches its second set',
    releases: [r('1.0.x || 2.0.x', 'a')],
    request: { appVersion: '2.0.4' },
    expected: update('v1'),
  },
  {
    name: 'OR range between its sets is neither above nor inside: binary update',
    releases: [r('1.0.x || 2.0.x', 'a')],
    request: { appVersion: '1.5.0' },
    expected: binary('1.0.x || 2.0.x'),
  },
  {
    name: 'exact version mismatch below: binary update needed',
    releases: [r('2.0.0', 'a')],
    request: { appVersion: '1.0.0' },
    expected: binary('2.0.0'),
  },
  {
    name: 'exact version mismatch above: up to date',
    releases: [r('1.0.0', 'a')],
    request: { appVersion: '2.0.0' },
    expected: upToDate,
  },
  {
    name: 'binary newer than every range: up to date',
    releases: [r('1.x', 'a'), r('2.x', 'b')],
    request: { appVersion: '3.1.0' },
    expected: upToDate,
  },
  {
    name: 'binary older than every range: binary update for the newest',
    releases: [r('2.x', 'a'), r('3.x', 'b')],
    request: { appVersion: '1.0.0' },
    expected: binary('3.x'),
  },
  {
    name: 'newest release for another binary, older one for mine: update to mine',
    releases: [r('1.x', 'a'), r('2.x', 'b')],
    request: { appVersion: '1.4.0' },
    expected: update('v1'),
  },
  {
    name: 'on the newest for my binary, newer binary has releases: binary update',
    releases: [r('1.x', 'a'), r('2.x', 'b')],
    request: { appVersion: '1.4.0', bundle: 'a' },
    expected: binary('2.x'),
  },
  {
    name: 'greater-or-equal range',
    releases: [r('>=1.2.0', 'a')],
    request: { appVersion: '9.0.0' },
    expected: update('v1'),
  },
  {
    name: 'less-than range: binary above is up to date',
    releases: [r('<1.2.0', 'a')],
    request: { appVersion: '1.2.0' },
    expected: upToDate,
  },
  {
    name: 'a stored range that does not parse never matches',
    releases: [r('not a range', 'a'), r('1.x', 'b')],
    request: { appVersion: '1.0.0' },
    expected: update('v2'),
  },
  {
    name: 'only an unparseable range: up to date',
    releases: [r('not a range', 'a')],
    request: { appVersion: '1.0.0' },
    expected: upToDate,
  },

  // --- disabled releases --------------------------------------------------------------------------------
  {
    name: 'a disabled newest release is invisible',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true })],
    request: { appVersion: '1.0.0' },
    expected: update('v1'),
  },
  {
    name: 'only a disabled release: up to date',
    releases: [r('1.x', 'a', { disabled: true })],
    request: { appVersion: '1.0.0' },
    expected: upToDate,
  },
  {
    name: 'a disabled mandatory release does not make the update mandatory',
    releases: [r('1.x', 'a'), r('1.x', 'b', { mandatory: true, disabled: true }), r('1.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: update('v3'),
  },
  {
    name: 'disabled release in the middle is skipped',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true }), r('1.x', 'c')],
    request: { appVersion: '1.0.0' },
    expected: update('v3'),
  },
  {
    name: 'disabled newest for a newer binary does not ask for a binary update',
    releases: [r('1.x', 'a'), r('2.x', 'b', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: upToDate,
  },
  {
    name: 'every release disabled, embedded bundle: up to date',
    releases: [r('1.x', 'a', { disabled: true }), r('1.x', 'b', { disabled: true })],
    request: { appVersion: '1.0.0' },
    expected: upToDate,
  },

  // --- mandatory propagation ----------------------------------------------------------------------------
  {
    name: 'mandatory in the middle propagates to a fresh binary',
    releases: [r('1.x', 'a'), r('1.x', 'b', { mandatory: true }), r('1.x', 'c')],
    request: { appVersion: '1.0.0' },
    expected: update('v3', true),
  },
  {
    name: 'mandatory newer than the client propagates',
    releases: [r('1.x', 'a'), r('1.x', 'b', { mandatory: true }), r('1.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: update('v3', true),
  },
  {
    name: 'mandatory the client already has does not propagate',
    releases: [r('1.x', 'a'), r('1.x', 'b', { mandatory: true }), r('1.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: update('v3'),
  },
  {
    name: 'mandatory older than the client does not propagate',
    releases: [r('1.x', 'a', { mandatory: true }), r('1.x', 'b'), r('1.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: update('v3'),
  },
  {
    name: 'mandatory for another binary does not propagate',
    releases: [r('1.x', 'a'), r('2.x', 'b', { mandatory: true }), r('1.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: update('v3'),
  },
  {
    name: 'newest itself mandatory',
    releases: [r('1.x', 'a'), r('1.x', 'b', { mandatory: true })],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: update('v2', true),
  },
  {
    name: 'client on an unknown bundle gets mandatory from any satisfying release',
    releases: [r('1.x', 'a', { mandatory: true }), r('1.x', 'b')],
    request: { appVersion: '1.0.0', bundle: 'unknown' },
    expected: update('v2', true),
  },
  {
    name: 'embedded bundle gets mandatory from the oldest release',
    releases: [r('1.x', 'a', { mandatory: true }), r('1.x', 'b'), r('1.x', 'c'), r('1.x', 'd')],
    request: { appVersion: '1.0.0' },
    expected: update('v4', true),
  },
  {
    name: 'client on the newest is up to date even if older ones were mandatory',
    releases: [r('1.x', 'a', { mandatory: true }), r('1.x', 'b')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: upToDate,
  },
  {
    name: 'two mandatory releases, client between them: mandatory',
    releases: [r('1.x', 'a', { mandatory: true }), r('1.x', 'b'), r('1.x', 'c', { mandatory: true }), r('1.x', 'd')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: update('v4', true),
  },
  {
    name: 'same content re-released: position is its newest release',
    releases: [r('1.x', 'a'), r('1.x', 'b', { mandatory: true }), r('1.x', 'a'), r('1.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: update('v4'),
  },
  {
    name: 'mandatory in a range my binary misses, then mine: not mandatory',
    releases: [r('1.0.x', 'a', { mandatory: true }), r('1.x', 'b')],
    request: { appVersion: '1.1.0' },
    expected: update('v2'),
  },

  // --- rollouts (cohort = rolloutBucket(clientId, label) < rollout) --------------------------------------
  {
    name: 'partial rollout, client in the cohort: update',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50 })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket5 },
    expected: update('v2'),
  },
  {
    name: 'partial rollout, client outside the cohort: up to date on the last full release',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50 })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket95 },
    expected: upToDate,
  },
  {
    name: 'partial rollout, client outside, fresh binary: the last full release',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50 })],
    request: { appVersion: '1.0.0', clientId: COHORT.bucket95 },
    expected: update('v1'),
  },
  {
    name: 'partial rollout, no client id: outside',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 99 })],
    request: { appVersion: '1.0.0' },
    expected: update('v1'),
  },
  {
    name: 'rollout 100 is a full release',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 100 })],
    request: { appVersion: '1.0.0' },
    expected: update('v2'),
  },
  {
    name: 'rollout 1 takes bucket 0 only: bucket 5 outside',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 1 })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket5 },
    expected: upToDate,
  },
  {
    name: 'rollout 6 takes bucket 5',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 6 })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket5 },
    expected: update('v2'),
  },
  {
    name: 'raising the rollout keeps the cohort: 96 takes bucket 95',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 96 })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket95 },
    expected: update('v2'),
  },
  {
    name: 'a mandatory partial release outside the cohort does not propagate',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50, mandatory: true })],
    request: { appVersion: '1.0.0', clientId: COHORT.bucket95 },
    expected: update('v1'),
  },
  {
    name: 'a mandatory partial release inside the cohort is mandatory',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50, mandatory: true })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket5 },
    expected: update('v2', true),
  },
  {
    name: 'client already on a partial release it is in: up to date',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50 })],
    request: { appVersion: '1.0.0', bundle: 'b', clientId: COHORT.bucket5 },
    expected: upToDate,
  },
  {
    name: 'partial release for another binary does not ask for a binary update outside the cohort',
    releases: [r('1.x', 'a'), r('2.x', 'b', { rollout: 50 })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket95 },
    expected: upToDate,
  },
  {
    name: 'only a partial release, outside: up to date',
    releases: [r('1.x', 'a', { rollout: 10 })],
    request: { appVersion: '1.0.0', clientId: 'client-26' /* bucket 94 for v1 */ },
    expected: upToDate,
  },
  {
    name: 'disabled partial release is invisible even to its cohort',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50, disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'a', clientId: COHORT.bucket5 },
    expected: upToDate,
  },

  // --- rollback: the client's bundle was pulled (disabled) ----------------------------------------------
  {
    name: 'client on a disabled newest release: roll back to the previous one',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: rollback('v1'),
  },
  {
    name: 'client on the only release, disabled: roll back to the embedded bundle',
    releases: [r('1.x', 'a', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: rollback(null),
  },
  {
    name: 'client on a disabled release with a newer enabled one: update, not rollback',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true }), r('1.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: update('v3'),
  },
  {
    name: 'rollback skips other disabled releases',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true }), r('1.x', 'c', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'c' },
    expected: rollback('v1'),
  },
  {
    name: 'rollback only to a release the binary may run',
    releases: [r('2.x', 'a'), r('1.x', 'b'), r('1.x', 'c', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'c' },
    expected: rollback('v2'),
  },
  {
    name: 'rollback to embedded when no older release fits the binary',
    releases: [r('2.x', 'a'), r('1.x', 'c', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'c' },
    expected: rollback(null),
  },
  {
    name: 'rollback never to a partial release outside the cohort',
    releases: [r('1.x', 'a'), r('1.x', 'b', { rollout: 50 }), r('1.x', 'c', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'c', clientId: COHORT.bucket95 },
    expected: rollback('v1'),
  },
  {
    name: 'content pulled in one release but live in another: not a rollback',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true }), r('1.x', 'b')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: upToDate,
  },
  {
    name: 'client on a disabled middle release, newest enabled for another binary: roll back',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true }), r('2.x', 'c')],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: rollback('v1'),
  },
  {
    name: 'rollback target mandatory or not, rollback is still rollback',
    releases: [r('1.x', 'a', { mandatory: true }), r('1.x', 'b', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'b' },
    expected: rollback('v1'),
  },
  {
    name: 'disabled release the client does not run: no rollback',
    releases: [r('1.x', 'a'), r('1.x', 'b', { disabled: true })],
    request: { appVersion: '1.0.0', bundle: 'a' },
    expected: upToDate,
  },
  {
    name: 'embedded bundle never rolls back',
    releases: [r('1.x', 'a', { disabled: true })],
    request: { appVersion: '1.0.0' },
    expected: upToDate,
  },

  // --- MS history A: v1 1.0.0 h100, v2 1.0.0 h101 M, v3 1.0.0 h102 ------------------------------------
  ...msHistoryA(),
  // --- MS history B --------------------------------------------------------------------------------------
  ...msHistoryB(),
  // --- MS history C: v1 *, v2 ^1.0.0 M, v3 ">=1.1.0 <1.2.0" ------------------------------------------------
  ...msHistoryC(),
  // --- MS history D: v1 * h100 M, v2 * h100, v3 * h101 M disabled, v4 2.0.0 h102 ---------------------------
  {
    name: 'MS D: fresh 1.0.0 gets v2, mandatory from v1; disabled v3 contributes nothing',
    releases: [
      r('*', '100', { mandatory: true }),
      r('*', '100'),
      r('*', '101', { mandatory: true, disabled: true }),
      r('2.0.0', '102'),
    ],
    request: { appVersion: '1.0.0' },
    expected: update('v2', true),
  },
  {
    name: 'MS D: 2.0.0 on v1 gets v4, not mandatory',
    releases: [
      r('*', '100', { mandatory: true }),
      r('*', '100'),
      r('*', '101', { mandatory: true, disabled: true }),
      r('2.0.0', '102'),
    ],
    request: { appVersion: '2.0.0', bundle: '100' },
    expected: update('v4'),
  },
];

function msHistoryA(): DecisionCase[] {
  const history = [r('1.0.0', '100'), r('1.0.0', '101', { mandatory: true }), r('1.0.0', '102')];
  return [
    {
      name: 'MS A: fresh 1.0.0 gets v3, mandatory from v2',
      releases: history,
      request: { appVersion: '1.0.0' },
      expected: update('v3', true),
    },
    {
      name: 'MS A: on h101 (v2) gets v3, not mandatory',
      releases: history,
      request: { appVersion: '1.0.0', bundle: '101' },
      expected: update('v3'),
    },
    {
      name: 'MS A: unknown hash gets v3, mandatory',
      releases: history,
      request: { appVersion: '1.0.0', bundle: '009' },
      expected: update('v3', true),
    },
    {
      name: 'MS A: on h100 gets v3, mandatory (v2 is newer)',
      releases: history,
      request: { appVersion: '1.0.0', bundle: '100' },
      expected: update('v3', true),
    },
    {
      name: 'MS A: on h102 is up to date',
      releases: history,
      request: { appVersion: '1.0.0', bundle: '102' },
      expected: upToDate,
    },
    {
      name: 'MS A: 1.0.0-prerelease needs a binary update',
      releases: history,
      request: { appVersion: '1.0.0-prerelease' },
      expected: binary('1.0.0'),
    },
    {
      name: 'MS A: 0.0.8 needs a binary update',
      releases: history,
      request: { appVersion: '0.0.8', bundle: '009' },
      expected: binary('1.0.0'),
    },
    {
      name: 'MS A: 2.0.0 is newer than every target: up to date',
      releases: history,
      request: { appVersion: '2.0.0', bundle: '009' },
      expected: upToDate,
    },
  ];
}

function msHistoryB(): DecisionCase[] {
  const history = [
    r('1.0.0', '100'),
    r('1.0.0', '101', { mandatory: true }),
    r('2.0.0', '202'),
    r('1.0.0', '103'),
    r('3.0.0', '304', { mandatory: true }),
    r('2.0.0', '205'),
    r('3.0.0', '306'),
  ];
  return [
    {
      name: 'MS B: fresh 1.0.0 gets v4, mandatory from v2',
      releases: history,
      request: { appVersion: '1.0.0' },
      expected: update('v4', true),
    },
    {
      name: 'MS B: 1.0.0 on h100 gets v4, mandatory',
      releases: history,
      request: { appVersion: '1.0.0', bundle: '100' },
      expected: update('v4', true),
    },
    {
      name: 'MS B: 1.0.0 on h103 needs a binary update for 3.0.0',
      releases: history,
      request: { appVersion: '1.0.0', bundle: '103' },
      expected: binary('3.0.0'),
    },
    {
      name: 'MS B: 2.0.0 on h202 gets v6, not mandatory',
      releases: history,
      request: { appVersion: '2.0.0', bundle: '202' },
      expected: update('v6'),
    },
    {
      name: 'MS B: 3.0.0 on h304 gets v7, not mandatory',
      releases: history,
      request: { appVersion: '3.0.0', bundle: '304' },
      expected: update('v7'),
    },
    {
      name: 'MS B: 3.0.0 on h306 is up to date',
      releases: history,
      request: { appVersion: '3.0.0', bundle: '306' },
      expected: upToDate,
    },
    {
      name: 'MS B: fresh 3.0.0 gets v7, mandatory from v5',
      releases: history,
      request: { appVersion: '3.0.0' },
      expected: update('v7', true),
    },
    {
      name: 'MS B: fresh 2.0.0 gets v6, not mandatory',
      releases: history,
      request: { appVersion: '2.0.0' },
      expected: update('v6'),
    },
  ];
}

function msHistoryC(): DecisionCase[] {
  const history = [r('*', '100'), r('^1.0.0', '101', { mandatory: true }), r('>=1.1.0 <1.2.0', '103')];
  return [
    {
      name: 'MS C: 2.0.0 gets v1, not mandatory',
      releases: history,
      request: { appVersion: '2.0.0' },
      expected: update('v1'),
    },
    {
      name: 'MS C: 1.0.1 gets v2, mandatory',
      releases: history,
      request: { appVersion: '1.0.1' },
      expected: update('v2', true),
    },
    {
      name: 'MS C: 0.0.1 on h100 needs a binary update for the newest range',
      releases: history,
      request: { appVersion: '0.0.1', bundle: '100' },
      expected: binary('>=1.1.0 <1.2.0'),
    },
    {
      name: 'MS C: 3.0.0 on h100 is up to date',
      releases: history,
      request: { appVersion: '3.0.0', bundle: '100' },
      expected: upToDate,
    },
    {
      name: 'MS C: 1.1.5 on h100 gets v3, mandatory from v2',
      releases: history,
      request: { appVersion: '1.1.5', bundle: '100' },
      expected: update('v3', true),
    },
  ];
}

/** The catalog of a case's history, as uploadBundle would have compiled it. */
export function catalogForCase(testCase: DecisionCase, deployment: DeploymentRef): Catalog {
  const releases: Release[] = testCase.releases.map((release, index) => ({
    label: `v${index + 1}`,
    seq: index + 1,
    packageHash: hashOf(release.content),
    archiveSha256: hashOf(release.content),
    contentKey: `packages/${hashOf(release.content)}/package.zip`,
    contentKind: 'zip',
    manifestKey: undefined,
    size: 100 + index,
    bundlePath: 'index.android.bundle',
    targetBinaryRange: release.range,
    description: `release ${index + 1}`,
    mandatory: release.mandatory ?? false,
    rollout: release.rollout ?? 100,
    disabled: release.disabled ?? false,
    signed: false,
    uploadId: undefined,
    createdAt: '2026-11-27T00:00:00.000Z',
    createdBy: 'test',
  }));
  return { schemaVersion: 1, deployment, head: releases.length, releases };
}
