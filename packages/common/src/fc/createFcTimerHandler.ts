import { credentialsFromContext, type CredentialsSource } from '../config/createCredentialsSource';
import type { Logger } from '../logging';
import type { FcContext } from './FcContext';
import { runInvocation } from './invocationScope';

/** What an FC time trigger delivers (as JSON bytes): when it fired, its name, and its configured payload. */
export interface FcTimerEvent {
  triggerTime: string;
  triggerName: string;
  payload?: string;
}

/**
 * The timer event in what FC handed the function, or null when it is anything else (an HTTP event has a
 * method and a path, never `triggerTime`). The same entry point can so serve both (publishBundle does).
 */
export function parseTimerEvent(event: unknown): FcTimerEvent | null {
  let json: unknown = event;
  if (Buffer.isBuffer(event) || typeof event === 'string') {
    try {
      json = JSON.parse(event.toString());
    } catch {
      return null;
    }
  }
  const candidate = json as Partial<FcTimerEvent> & Record<string, unknown>;
  if (typeof candidate !== 'object' || candidate === null) return null;
  if (typeof candidate.triggerTime !== 'string' || typeof candidate.triggerName !== 'string') return null;
  if ('rawPath' in candidate || 'httpMethod' in candidate || 'requestContext' in candidate) return null;
  return {
    triggerTime: candidate.triggerTime,
    triggerName: candidate.triggerName,
    ...(typeof candidate.payload === 'string' ? { payload: candidate.payload } : {}),
  };
}

/**
 * Adapts a timer job to FC's time-trigger invocation: the invocation's scope (request id, cold start,
 * credentials) as for every function, the job built on the first run, a failure logged and rethrown (FC records
 * the invocation as failed; the next period runs again, so jobs must be safe to rerun).
 */
export function createFcTimerHandler<Result>(options: {
  logger: Logger;
  credentials: CredentialsSource;
  handle: () => (event: FcTimerEvent) => Promise<Result>;
}): (event: FcTimerEvent, context: FcContext | undefined) => Promise<Result> {
  let coldStart = true;
  let handle: ((event: FcTimerEvent) => Promise<Result>) | undefined;
  return (event, context) => {
    const invocation = { requestId: context?.requestId ?? '', coldStart, credentials: credentialsFromContext(context) };
    coldStart = false;
    options.credentials.update(context);
    return runInvocation(invocation, async () => {
      options.logger.appendKeys({ trigger: event.triggerName });
      try {
        handle ??= options.handle();
        return await handle(event);
      } catch (error) {
        options.logger.error('timer run failed; the next period runs again', { error });
        throw error;
      }
    });
  };
}
