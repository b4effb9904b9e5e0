import { appendToLog, loadDeploymentState, type AppRegistry, type Logger, type ObjectStore } from '@hotpatch/common';
import {
  AUTO_HALT_ACTOR,
  autoHaltDecision,
  foldTotals,
  planPatch,
  releaseHealth,
  TIMER_RUN_BUDGET_MS,
  type DeploymentRef,
  type HaltPolicy,
} from '@hotpatch/core';
import { foldDeploymentMetrics } from './foldMetrics';

/** The message of auto-halt's warning line: docs/deploy.md's SLS alert matches it. */
const AUTO_HALT_MESSAGE = 'auto-halt: release disabled';

export interface TimerOutcome {
  deployments: number;
  folded: number;
  halted: { deployment: DeploymentRef; label: string }[];
  /** Deployments left for the next run (the run's budget was spent). */
  skipped: number;
}

/**
 * Disables every release of the deployment that its channel's policy halts, through the release log (an entry
 * by `auto-halt` recording the numbers), judged on the folded totals alone. Re-decided on the state each append
 * attempt reads, so a concurrent change (a person disabling it first) is respected.
 */
async function applyHaltPolicy(
  store: ObjectStore,
  deployment: DeploymentRef,
  policy: HaltPolicy,
  totals: Parameters<typeof releaseHealth>[0],
  now: () => Date,
  logger: Logger,
): Promise<string[]> {
  const state = await loadDeploymentState(store, deployment);
  const health = releaseHealth(totals, state.releases).releases;
  const halted: string[] = [];
  for (const row of health) {
    const at = now().toISOString();
    const release = state.releases.find(({ label }) => label === row.label)!;
    const record = autoHaltDecision(row, release, policy, at);
    if (!record) continue;
    const appended = await appendToLog(store, deployment, (current) => {
      const fresh = current.releases.find(({ label }) => label === row.label)!;
      if (!autoHaltDecision(row, fresh, policy, at)) return { skip: false };
      const plan = planPatch(current, {
        label: row.label,
        changes: { disabled: true, autoHalt: record },
        at,
        by: AUTO_HALT_ACTOR,
      });
      return plan.kind === 'append' ? { append: plan.entry, outcome: () => true } : { skip: false };
    });
    if (!appended) continue;
    halted.push(row.label);
    logger.warn(AUTO_HALT_MESSAGE, {
      app: deployment.app,
      platform: deployment.platform,
      channel: deployment.channel,
      label: row.label,
      installed: record.installed,
      failed: record.failed,
      failure_rate_percent: record.failureRatePercent,
      halt_failure_rate_percent: policy.failureRatePercent,
      halt_min_installs: policy.minInstalls,
    });
  }
  return halted;
}

/**
 * What the timer does each period (the FC time trigger in production, `HOTPATCH_TIMER_SECONDS` locally): for
 * every deployment of every app, fold its raw reports into its totals, then apply its channel's halt policy.
 * One deployment's failure is logged and does not stop the others; a run starts no deployment after
 * `TIMER_RUN_BUDGET_MS` and rotates its starting point each minute, so a large fleet of apps is served in turn.
 */
export async function runFoldTimer(dependencies: {
  store: ObjectStore;
  registry: AppRegistry;
  now: () => Date;
  logger: Logger;
}): Promise<TimerOutcome> {
  const { store, registry, now, logger } = dependencies;
  const outcome: TimerOutcome = { deployments: 0, folded: 0, halted: [], skipped: 0 };
  const started = now().getTime();
  const stopAt = started + TIMER_RUN_BUDGET_MS;
  const all: { deployment: DeploymentRef; policy: HaltPolicy | undefined }[] = [];
  for (const app of await registry.list())
    for (const platform of app.platforms)
      for (const [channel, record] of Object.entries(app.channels))
        all.push({ deployment: { app: app.name, platform, channel }, policy: record.haltPolicy });
  // Start at a different deployment each minute: a run cut short by its budget leaves others for the next.
  const offset = all.length === 0 ? 0 : Math.floor(started / 60_000) % all.length;
  const order = [...all.slice(offset), ...all.slice(0, offset)];
  for (const [index, { deployment, policy }] of order.entries()) {
    if (now().getTime() > stopAt) {
      outcome.skipped = order.length - index;
      break;
    }
    outcome.deployments += 1;
    try {
      const fold = await foldDeploymentMetrics(store, deployment, now, { stopAt });
      outcome.folded += fold.folded;
      if (policy) {
        const labels = await applyHaltPolicy(store, deployment, policy, [foldTotals(fold.latest)], now, logger);
        outcome.halted.push(...labels.map((label) => ({ deployment, label })));
      }
    } catch (error) {
      logger.error('fold failed for a deployment', { ...deployment, error });
    }
  }
  logger.info('timer run', {
    deployments: outcome.deployments,
    folded: outcome.folded,
    halted: outcome.halted.length,
    skipped: outcome.skipped,
  });
  return outcome;
}
