import { randomBytes } from 'node:crypto';
import { writeJson, type Logger, type ObjectStore } from '@hotpatch/common';
import { metricDeltasToJson, metricsKeys, type DeploymentRef, type MetricDeltas } from '@hotpatch/core';

/**
 * Counts per-request signals (the Expo route's `Expo-Recent-Failed-Update-IDs`) in the warm instance, without
 * a write per request: each deployment's summed deltas become one ordinary raw report object when the buffer
 * is flushed, at most once per `flushEverySeconds` (the fold's cadence), and the fold counts it like any other.
 *
 * What can be lost: FC freezes an idle instance and may reclaim it without notice, so signals counted since its
 * last flush (at most one period's worth, of that instance only) are never written. A failed flush keeps them
 * for the next one. Health numbers from this path are therefore a lower bound.
 */
export interface SignalBuffer {
  /**
   * Adds deltas for a deployment (none is fine: every request calls it, so a quiet instance still flushes what
   * it holds on the first request after the period); flushes, without being awaited by the request, when the
   * period is over.
   */
  add(deployment: DeploymentRef, deltas: MetricDeltas): void;
  /** Writes everything buffered now (one object per deployment); resolves when written. */
  flush(): Promise<void>;
  /** Deployments with unwritten signals. */
  readonly pending: number;
}

export function createSignalBuffer(options: {
  store: ObjectStore;
  now: () => Date;
  flushEverySeconds: number;
  logger?: Logger;
}): SignalBuffer {
  const buffered = new Map<string, { deployment: DeploymentRef; totals: Map<string, number> }>();
  let lastFlush = options.now().getTime();
  let flushing: Promise<void> | undefined;

  async function writeAll(): Promise<void> {
    const batch = [...buffered.values()];
    buffered.clear();
    const at = options.now();
    lastFlush = at.getTime();
    for (const { deployment, totals } of batch) {
      try {
        await writeJson(
          options.store,
          metricsKeys.report(deployment, at, randomBytes(8).toString('hex')),
          { at: at.toISOString(), deltas: metricDeltasToJson(totals) },
          { forbidOverwrite: true },
        );
      } catch (error) {
        // Kept for the next flush: merged back into whatever arrived meanwhile.
        for (const [field, delta] of totals) addTo(deployment, field, delta);
        options.logger?.warn('signal buffer flush failed; kept for the next one', { error });
      }
    }
  }

  function addTo(deployment: DeploymentRef, field: string, delta: number): void {
    const id = metricsKeys.prefix(deployment);
    let entry = buffered.get(id);
    if (!entry) buffered.set(id, (entry = { deployment, totals: new Map() }));
    entry.totals.set(field, (entry.totals.get(field) ?? 0) + delta);
  }

  const flush = (): Promise<void> => {
    if (buffered.size === 0 && !flushing) {
      lastFlush = options.now().getTime();
      return Promise.resolve();
    }
    flushing ??= writeAll().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };

  return {
    add(deployment, deltas) {
      for (const [field, delta] of deltas) addTo(deployment, field, delta);
      if (options.now().getTime() - lastFlush >= options.flushEverySeconds * 1000) void flush();
    },
    flush,
    get pending() {
      return buffered.size;
    },
  };
}
