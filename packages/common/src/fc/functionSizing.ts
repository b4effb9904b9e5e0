/**
 * How each hotpatch function is sized on FC: memory (MB), timeout (s) and instance concurrency (requests one
 * instance serves at once). One table for every deployment path (`hotpatch deploy`, s.yaml, the fcli commands
 * in docs/deploy.md, all checked against it); the numbers come from measured peak RSS under that concurrency
 * (docs/deploy.md, "Instance concurrency and memory"; `node scripts/measureMemory.js`).
 */
export const FUNCTION_SIZING = {
  /** Memory-heavy (a whole upload streams through it) and rare: one upload per instance. */
  uploadBundle: { memorySize: 1024, timeout: 300, instanceConcurrency: 1 },
  /** The hot path: I/O-bound, microseconds of CPU per check, one catalog cache per instance. `--check-concurrency` overrides. */
  getLatestBundle: { memorySize: 256, timeout: 10, instanceConcurrency: 100 },
  /** Management calls are few; each claims its nonce in OSS, so concurrency shares nothing that could race. */
  publishBundle: { memorySize: 512, timeout: 120, instanceConcurrency: 10 },
} as const;

/**
 * The highest instance concurrency `hotpatch deploy --check-concurrency` accepts (FC checks its own limit as
 * well): one Node.js instance has one core, so far beyond this, queueing on it, not I/O, sets the latency.
 */
export const MAX_INSTANCE_CONCURRENCY = 200;

/**
 * The FC time trigger that invokes publishBundle's timer entry point (fold the metrics, apply auto-halt) every
 * `DEFAULT_TIMER_SECONDS` (60: `@every 1m`). One definition for `hotpatch deploy`, s.yaml and the fcli file,
 * all checked against it. It stays in gateway mode too: only publishBundle's HTTP trigger goes there.
 */
export const FOLD_TIMER_TRIGGER = {
  functionName: 'publishBundle',
  triggerName: 'fold-timer',
  cronExpression: '@every 1m',
} as const;
