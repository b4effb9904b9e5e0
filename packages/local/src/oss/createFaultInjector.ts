/** Which requests a fault applies to; all of them when empty. */
export interface FaultMatch {
  method?: string;
  /** The object key must start with this. */
  keyPrefix?: string;
}

export interface FaultInjector {
  /** Fails the next `count` matching requests with `status` (500 InternalError or 503 ServiceUnavailable). */
  failNext(count: number, options?: { status?: 500 | 503; match?: FaultMatch }): void;
  /** Delays every request by `ms` before it is served (0 turns it off). */
  setLatency(ms: number): void;
  /** Clears every fault. */
  reset(): void;
  /** The status to fail this request with, if a fault applies (and consumes it). */
  takeFailure(method: string, key: string): 500 | 503 | undefined;
  latencyMs(): number;
}

interface PendingFailure {
  remaining: number;
  status: 500 | 503;
  match: FaultMatch;
}

/** Fault injection for tests: off until a test turns it on. */
export function createFaultInjector(): FaultInjector {
  let failures: PendingFailure[] = [];
  let latency = 0;
  const matches = (match: FaultMatch, method: string, key: string): boolean =>
    (match.method === undefined || match.method.toUpperCase() === method) &&
    (match.keyPrefix === undefined || key.startsWith(match.keyPrefix));

  return {
    failNext(count, options = {}) {
      failures.push({ remaining: count, status: options.status ?? 503, match: options.match ?? {} });
    },
    setLatency(ms) {
      latency = ms;
    },
    reset() {
      failures = [];
      latency = 0;
    },
    takeFailure(method, key) {
      const failure = failures.find((candidate) => candidate.remaining > 0 && matches(candidate.match, method, key));
      if (!failure) return undefined;
      failure.remaining -= 1;
      failures = failures.filter((candidate) => candidate.remaining > 0);
      return failure.status;
    },
    latencyMs: () => latency,
  };
}
