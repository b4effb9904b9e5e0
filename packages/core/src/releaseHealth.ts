import { summarizeMetrics, type MetricDeltas } from './codePushMetrics';
import type { HaltPolicy } from './appRecord';
import { UNVERIFIED_SIGNAL_KINDS } from './expoSignals';
import type { Release } from './releaseLog';

/**
 * One generation of a deployment's folded metrics (`metricsKeys.foldGeneration`). Generations are numbered
 * 1, 2, … and each is created with forbid-overwrite, so the number is the fold's lock: of two folds that read
 * the same generation, only one commits the next. `batch` names the raw reports this generation added (their
 * names under the deployment's report prefix): the next fold moves them out of the listing path first, so a
 * fold that crashed after its commit is finished by the next one and no report is counted twice.
 */
export interface FoldGeneration {
  schemaVersion: 1;
  generation: number;
  /** When it was committed (the folding instance's clock). */
  at: string;
  /** Every counter, summed over every report folded so far. */
  totals: Record<string, number>;
  /** How many raw reports are in `totals`. */
  reports: number;
  batch: string[];
  /**
   * The folded totals over time, oldest first (absent in generations written before it existed): carried from
   * generation to generation, bounded by `HEALTH_HISTORY` so the one object every read fetches stays small.
   */
  history?: HealthHistoryPoint[];
}

/**
 * One point of a deployment's health history: when a fold committed, and per release label (the newest
 * `HEALTH_HISTORY.releases` labels that have counts) the folded `[downloaded, installed, failed, active]`.
 * Tuples, not objects: the history rides in every generation.
 */
export interface HealthHistoryPoint {
  at: string;
  releases: Record<string, [downloaded: number, installed: number, failed: number, active: number]>;
}

/**
 * Bounds of the health history: at most `points` points, one per `spacingMs` (a fold committing sooner
 * replaces the newest point, so a backlog folded in many generations, or a fast local timer, makes one point
 * and the newest point is always the latest fold), each with the newest `releases` labels: 96 × 15 min = a day.
 */
export const HEALTH_HISTORY = Object.freeze({ points: 96, spacingMs: 15 * 60 * 1000, releases: 8 });

/** The history with a point for these totals at `at` appended (or replacing a newest point less than a spacing old). */
function withHistoryPoint(
  history: readonly HealthHistoryPoint[],
  totals: MetricDeltas,
  at: string,
): HealthHistoryPoint[] {
  const labels = [...summarizeMetrics([totals])]
    // Release labels are the subjects with install counters (binary versions have only `active`).
    .filter(([, counts]) => counts.installed !== undefined)
    .sort(([a], [b]) => Number(b.slice(1)) - Number(a.slice(1)))
    .slice(0, HEALTH_HISTORY.releases);
  const point: HealthHistoryPoint = {
    at,
    releases: Object.fromEntries(
      labels.map(([label, c]) => [label, [c.downloaded ?? 0, c.installed ?? 0, c.failed ?? 0, c.active]]),
    ),
  };
  const newest = history[history.length - 1];
  const kept =
    newest && Date.parse(at) - Date.parse(newest.at) < HEALTH_HISTORY.spacingMs ? history.slice(0, -1) : history;
  return [...kept, point].slice(-HEALTH_HISTORY.points);
}

/** One release's history as the health answer gives it, oldest first. */
export interface ReleaseHealthPoint {
  at: string;
  downloaded: number;
  installed: number;
  failed: number;
  active: number;
}

/** A release's points in a deployment's history (the points from before its first count are left out). */
export function releaseHistory(history: readonly HealthHistoryPoint[], label: string): ReleaseHealthPoint[] {
  const points: ReleaseHealthPoint[] = [];
  for (const point of history) {
    const counts = Object.prototype.hasOwnProperty.call(point.releases, label) ? point.releases[label] : undefined;
    if (!counts) continue;
    const [downloaded, installed, failed, active] = counts;
    points.push({ at: point.at, downloaded, installed, failed, active });
  }
  return points;
}

/** The generation before the first fold. */
export const EMPTY_FOLD: Readonly<FoldGeneration> = Object.freeze({
  schemaVersion: 1,
  generation: 0,
  at: new Date(0).toISOString(),
  totals: {},
  reports: 0,
  batch: [],
});

/**
 * At most this many reports go into one generation: it bounds the generation object (the batch names) that
 * every metrics read fetches, whatever the backlog; a fold commits as many generations as its time allows.
 */
export const MAX_FOLD_BATCH = 2000;

/**
 * A fold that has run this long does not commit: generations older than `FOLD_GENERATION_GRACE_MS` are
 * deleted, and a fold still holding one could otherwise re-claim a deleted number and count its base twice.
 * Well inside publishBundle's 120 s timeout (FC ends the invocation there anyway).
 */
export const MAX_FOLD_RUN_MS = 60 * 1000;

/**
 * A timer run starts no new deployment after this long, so it ends inside publishBundle's 120 s timeout; the
 * next run starts where the order rotates to, so every deployment is reached however many there are.
 */
export const TIMER_RUN_BUDGET_MS = 90 * 1000;

/** Superseded generations older than this are deleted (five times the longest fold: room for clock skew). */
export const FOLD_GENERATION_GRACE_MS = 10 * 60 * 1000;

/** The next generation: `previous` plus these reports. Pure; the caller claims its key. */
export function nextFoldGeneration(
  previous: FoldGeneration,
  batch: readonly { name: string; deltas: MetricDeltas }[],
  at: string,
): FoldGeneration {
  const totals = new Map(Object.entries(previous.totals));
  for (const { deltas } of batch)
    for (const [field, delta] of deltas) totals.set(field, (totals.get(field) ?? 0) + delta);
  return {
    schemaVersion: 1,
    generation: previous.generation + 1,
    at,
    totals: Object.fromEntries(totals),
    reports: previous.reports + batch.length,
    batch: batch.map(({ name }) => name),
    history: withHistoryPoint(previous.history ?? [], totals, at),
  };
}

/** Reads a stored generation; throws on anything else (a corrupt total must not pass silently). */
export function parseFoldGeneration(json: unknown): FoldGeneration {
  const fold = json as FoldGeneration;
  if (
    typeof fold !== 'object' ||
    fold === null ||
    fold.schemaVersion !== 1 ||
    !Number.isInteger(fold.generation) ||
    typeof fold.totals !== 'object' ||
    fold.totals === null ||
    !Array.isArray(fold.batch) ||
    !Number.isInteger(fold.reports) ||
    (fold.history !== undefined && !Array.isArray(fold.history))
  )
    throw new Error('not a metrics fold generation (schemaVersion 1)');
  return fold;
}

/** A generation's totals as deltas (a Map: labels come from anonymous reports). */
export function foldTotals(fold: FoldGeneration): MetricDeltas {
  return new Map(Object.entries(fold.totals).filter(([, value]) => typeof value === 'number'));
}

/** Health of one release of a deployment. */
export interface ReleaseHealth {
  label: string;
  downloaded: number;
  /** Successful installs (`DeploymentSucceeded`). */
  installed: number;
  /** Failed installs (`DeploymentFailed`: the app rolled the update back). */
  failed: number;
  /** Devices whose last report says they run it. */
  active: number;
  /** `failed / (installed + failed)`, 0–1; null before any install attempt. */
  failureRate: number | null;
  disabled: boolean;
  /** Present when auto-halt disabled it. */
  autoHalt?: AutoHaltRecord;
  /**
   * Launch signals reported by devices through the Expo manifest route, unauthenticated (anyone can send them),
   * not in the numbers above; present when there are any. Auto-halt counts them only when the policy opts in.
   */
  unverified?: UnverifiedHealth;
  /** The folded numbers over time, oldest first (`HEALTH_HISTORY`); set by the health answer. */
  history?: ReleaseHealthPoint[];
}

/** Device-reported, unauthenticated counts of a release (`UNVERIFIED_SIGNAL_KINDS`). */
export interface UnverifiedHealth {
  installed: number;
  failed: number;
  active: number;
  /** `failed / (installed + failed)`, 0–1; null before any install attempt. */
  failureRate: number | null;
}

/** Per label, the unverified counts summed over the counters (labels without any are absent). */
function unverifiedCounts(counters: readonly MetricDeltas[]): Map<string, UnverifiedHealth> {
  const byLabel = new Map<string, UnverifiedHealth>();
  const kinds: Record<string, 'installed' | 'failed' | 'active'> = {
    [UNVERIFIED_SIGNAL_KINDS.installed]: 'installed',
    [UNVERIFIED_SIGNAL_KINDS.failed]: 'failed',
    [UNVERIFIED_SIGNAL_KINDS.active]: 'active',
  };
  for (const deltas of counters)
    for (const [field, delta] of deltas) {
      const separator = field.lastIndexOf(':');
      const kind = Object.prototype.hasOwnProperty.call(kinds, field.slice(separator + 1))
        ? kinds[field.slice(separator + 1)]
        : undefined;
      if (separator < 0 || !kind) continue;
      const label = field.slice(0, separator);
      let entry = byLabel.get(label);
      if (!entry) byLabel.set(label, (entry = { installed: 0, failed: 0, active: 0, failureRate: null }));
      entry[kind] += delta;
    }
  for (const entry of byLabel.values())
    entry.failureRate = entry.installed + entry.failed === 0 ? null : entry.failed / (entry.installed + entry.failed);
  return byLabel;
}

/** Per release (in release order, newest first) from the summed counters and the deployment's releases. */
export function releaseHealth(
  counters: readonly MetricDeltas[],
  releases: readonly Release[],
): { releases: ReleaseHealth[]; binaryVersions: Record<string, number> } {
  const metrics = summarizeMetrics(counters);
  const unverified = unverifiedCounts(counters);
  const health = [...releases].reverse().map((release): ReleaseHealth => {
    const counts = metrics.get(release.label);
    const installed = counts?.installed ?? 0;
    const failed = counts?.failed ?? 0;
    return {
      label: release.label,
      downloaded: counts?.downloaded ?? 0,
      installed,
      failed,
      active: counts?.active ?? 0,
      failureRate: installed + failed === 0 ? null : failed / (installed + failed),
      disabled: release.disabled,
      ...(release.autoHalt ? { autoHalt: release.autoHalt } : {}),
      ...(unverified.has(release.label) ? { unverified: unverified.get(release.label)! } : {}),
    };
  });
  const labels = new Set(releases.map((release) => release.label));
  const binaryVersions: Record<string, number> = {};
  for (const [subject, counts] of metrics)
    if (!labels.has(subject) && !/^v\d+$/.test(subject)) binaryVersions[subject] = counts.active;
  return { releases: health, binaryVersions };
}

/** What auto-halt recorded when it disabled a release: the numbers it decided on, and the policy. */
export interface AutoHaltRecord {
  at: string;
  /** Install attempts decided on: the verified ones, plus the unverified ones when the policy opts in. */
  installed: number;
  failed: number;
  /** Percent, as the policy states its threshold. */
  failureRatePercent: number;
  policy: HaltPolicy;
}

/** Who auto-halt's log entries name (`by`). */
export const AUTO_HALT_ACTOR = 'auto-halt';

/**
 * Whether auto-halt disables this release now: it is enabled, was never auto-halted before (a person who
 * re-enables a halted release has the last word), has at least `minInstalls` install attempts (a failed
 * install is an attempt: a release that fails everywhere must reach the minimum too), and its failure rate
 * reaches the threshold. Unverified (Expo route) signals count only when the policy opts in
 * (`unverifiedSignals`): anyone can send them. Returns what to record, or undefined.
 */
export function autoHaltDecision(
  health: ReleaseHealth,
  release: Release,
  policy: HaltPolicy | undefined,
  at: string,
): AutoHaltRecord | undefined {
  if (!policy || release.disabled || release.autoHalt) return undefined;
  const extra = policy.unverifiedSignals === true ? health.unverified : undefined;
  const installed = health.installed + (extra?.installed ?? 0);
  const failed = health.failed + (extra?.failed ?? 0);
  const attempts = installed + failed;
  if (attempts === 0 || attempts < policy.minInstalls) return undefined;
  const failureRatePercent = (failed * 100) / attempts;
  if (failureRatePercent < policy.failureRatePercent) return undefined;
  return {
    at,
    installed,
    failed,
    failureRatePercent: Math.round(failureRatePercent * 100) / 100,
    policy,
  };
}
