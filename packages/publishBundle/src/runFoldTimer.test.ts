import { createAppRegistry, createLogger, createMemoryStore, writeJson } from '@hotpatch/common';
import { metricsKeys, TIMER_RUN_BUDGET_MS } from '@hotpatch/core';
import { runFoldTimer } from './runFoldTimer';

const logger = createLogger({ service: 'publishBundle', write: () => undefined });

describe('runFoldTimer', () => {
  it('starts no deployment after its budget, and the next minute starts elsewhere, so every deployment is reached', async () => {
    const store = createMemoryStore();
    let now = Date.UTC(2026, 0, 1, 0, 0);
    const registry = createAppRegistry(store, () => new Date(now));
    for (const name of ['a', 'b', 'c']) await registry.create({ name, platforms: ['ios'] });
    // Six deployments, one report each.
    for (const app of ['a', 'b', 'c'])
      for (const channel of ['staging', 'production'])
        await writeJson(store, metricsKeys.report({ app, platform: 'ios', channel }, new Date(now), 'r'), {
          deltas: { 'v1:Active': 1 },
        });
    // Each deployment's fold takes a whole budget of time: one deployment per run.
    const slowClock = () => new Date((now += TIMER_RUN_BUDGET_MS / 4));
    for (let minute = 0; minute < 6; minute += 1) {
      now = Date.UTC(2026, 0, 1, 0, minute);
      const outcome = await runFoldTimer({ store, registry, now: slowClock, logger });
      expect(outcome.deployments + outcome.skipped).toBe(6);
      expect(outcome.skipped).toBeGreaterThan(0);
    }
    const left = await store.list({ prefix: metricsKeys.reportsRoot() });
    expect(left.objects).toEqual([]);
  });
});
