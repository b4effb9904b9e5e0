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
