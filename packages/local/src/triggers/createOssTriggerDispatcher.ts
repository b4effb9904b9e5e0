import { buildOssTriggerEvent, type Logger, type ObjectCreatedNotice } from '@hotpatch/common';

/** One OSS trigger, as configured on FC: events, one prefix and one suffix, and the function it invokes. */
export interface OssTriggerRegistration {
  functionName: string;
  bucket: string;
  /** Trigger-config event names, e.g. `oss:ObjectCreated:*` or `oss:ObjectCreated:PutObject`. */
  events: string[];
  prefix?: string;
  suffix?: string;
  /** Invokes the function with the event as FC delivers it (a Buffer holding the JSON). */
  invoke: (event: Buffer) => Promise<unknown>;
}

export interface OssTriggerDispatcher {
  register(trigger: OssTriggerRegistration): void;
  /** Fires every matching trigger asynchronously; returns at once, as OSS does. */
  notify(notice: ObjectCreatedNotice): void;
  /** Resolves when every delivery so far has finished (succeeded or used up its retries). */
  idle(): Promise<void>;
}

export interface DispatcherOptions {
  logger: Logger;
  /** Waits before each retry of a failed invocation; FC retries async invocations 3 times by default. */
  retryDelaysMs?: number[];
}

/** `oss:ObjectCreated:*` matches payload event `ObjectCreated:PutObject`. */
function eventMatches(pattern: string, eventName: string): boolean {
  const qualified = `oss:${eventName}`;
  return pattern.endsWith('*') ? qualified.startsWith(pattern.slice(0, -1)) : qualified === pattern;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Delivers OSS trigger events to registered functions like FC's asynchronous invocation: retried, never blocking the writer. */
export function createOssTriggerDispatcher(options: DispatcherOptions): OssTriggerDispatcher {
  const triggers: OssTriggerRegistration[] = [];
  const inFlight = new Set<Promise<void>>();
  const retryDelaysMs = options.retryDelaysMs ?? [1000, 2000, 4000];

  async function deliver(trigger: OssTriggerRegistration, notice: ObjectCreatedNotice): Promise<void> {
    const event = Buffer.from(JSON.stringify(buildOssTriggerEvent(notice)));
    for (let attempt = 0; ; attempt += 1) {
      try {
        await trigger.invoke(event);
        return;
      } catch (error) {
        const retriesLeft = retryDelaysMs.length - attempt;
        options.logger.warn('OSS trigger invocation failed', {
          function: trigger.functionName,
          key: notice.key,
          attempt: attempt + 1,
          retries_left: retriesLeft,
          error,
        });
        if (retriesLeft <= 0) {
          options.logger.error('OSS trigger event dropped after all retries', {
            function: trigger.functionName,
            key: notice.key,
          });
          return;
        }
        await sleep(retryDelaysMs[attempt]!);
      }
    }
  }

  return {
    register(trigger) {
      triggers.push(trigger);
    },
    notify(notice) {
      for (const trigger of triggers) {
        if (trigger.bucket !== notice.bucket) continue;
        if (!trigger.events.some((pattern) => eventMatches(pattern, notice.eventName))) continue;
        if (trigger.prefix && !notice.key.startsWith(trigger.prefix)) continue;
        if (trigger.suffix && !notice.key.endsWith(trigger.suffix)) continue;
        const delivery = deliver(trigger, notice).finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
