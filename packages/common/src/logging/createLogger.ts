import { redact } from './redact';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Keys added to every following line until `startInvocation` resets them. */
  appendKeys(fields: LogFields): void;
  /** Starts a new invocation: sets its request id and cold-start flag, drops the previous one's keys. */
  startInvocation(invocation: { requestId: string; coldStart: boolean }): void;
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
 * Values pass through `redact`: secrets and signed URLs never reach the log.
 */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  let invocation: { request_id?: string; cold_start?: boolean } = {};
  let appended: LogFields = {};

  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const entry = redact({ ...appended, ...fields }) as LogFields;
    write(JSON.stringify({ level, message: redact(message), timestamp: now().toISOString(), service: options.service, ...invocation, ...entry }));
  };

  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    appendKeys(fields) {
      appended = { ...appended, ...fields };
    },
    startInvocation({ requestId, coldStart }) {
      invocation = { request_id: requestId, cold_start: coldStart };
      appended = {};
    },
  };
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
