import { currentInvocation } from '../fc/invocationScope';
import { redact } from './redact';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * Keys added to every following line of the current invocation (and of no other: they live in its scope,
   * see `runInvocation`). Outside any invocation (the local stack's own logger), to every following line.
   */
  appendKeys(fields: LogFields): void;
}

export interface LoggerOptions {
  /** The function (or component) name: the `service` key of every line. */
  service: string;
  level?: LogLevel;
  /** Where lines go; FC ships stdout to the service's SLS logstore. */
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * A structured logger: one JSON object per line with stable keys (`level`, `message`, `timestamp`,
 * `service`, `request_id`, `cold_start`) plus per-invocation keys, so every field is queryable in SLS.
 * The request id, cold-start flag and keys are read from the invocation scope at each call, never kept on
 * the logger: one logger serves every concurrent invocation of an instance, and each line names its own.
 * Values pass through `redact`: secrets and signed URLs never reach the log.
 */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  // Keys appended outside any invocation: only code that serves no invocation writes them.
  let unscoped: LogFields = {};

  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const invocation = currentInvocation();
    const scoped = invocation ? { request_id: invocation.requestId, cold_start: invocation.coldStart } : {};
    const entry = redact({ ...(invocation ? invocation.keys : unscoped), ...fields }) as LogFields;
    write(
      JSON.stringify({
        level,
        message: redact(message),
        timestamp: now().toISOString(),
        service: options.service,
        ...scoped,
        ...entry,
      }),
    );
  };

  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    appendKeys(fields) {
      const invocation = currentInvocation();
      if (invocation) invocation.keys = { ...invocation.keys, ...fields };
      else unscoped = { ...unscoped, ...fields };
    },
  };
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
