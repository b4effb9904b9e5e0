import { credentialsFromContext, type CredentialsSource } from '../config/createCredentialsSource';
import type { Logger } from '../logging';
import type { FcContext } from './FcContext';
import { runInvocation, runWithOwnKeys } from './invocationScope';
import { parseOssTriggerEvent, type OssObjectEvent } from './ossTriggerEvent';

export interface FcOssHandlerOptions<Result> {
  logger: Logger;
  credentials: CredentialsSource;
  /** Handles one object event; resolved once, on the first invocation. */
  handle: () => (event: OssObjectEvent, context: { requestId: string; logger: Logger }) => Promise<Result>;
}

/**
 * Adapts a per-object handler to FC's OSS-trigger signature. Each record is handled in turn, with its own log
 * keys; a failure is rethrown after logging, so FC's asynchronous invocation retries the event (handlers must
 * be idempotent). Request id, cold-start flag, log keys and credentials live in the invocation's scope
 * (`runInvocation`), never on the shared logger or credentials source.
 */
export function createFcOssHandler<Result>(
  options: FcOssHandlerOptions<Result>,
): (event: unknown, context: FcContext) => Promise<Result[]> {
  let coldStart = true;
  let handle: ReturnType<FcOssHandlerOptions<Result>['handle']> | undefined;
  return (event, context) => {
    const invocation = { requestId: context?.requestId ?? '', coldStart, credentials: credentialsFromContext(context) };
    coldStart = false;
    options.credentials.update(context);
    return runInvocation(invocation, () => handleEvent(event, context));
  };

  async function handleEvent(event: unknown, context: FcContext | undefined): Promise<Result[]> {
    let records: OssObjectEvent[];
    try {
      records = parseOssTriggerEvent(event);
    } catch (error) {
      options.logger.error('malformed OSS trigger event', { error });
      throw error;
    }
    handle ??= options.handle();
    const results: Result[] = [];
    for (const record of records) {
      const recordHandler = handle;
      await runWithOwnKeys(async () => {
        try {
          results.push(await recordHandler(record, { requestId: context?.requestId ?? '', logger: options.logger }));
        } catch (error) {
          options.logger.error('OSS event failed; FC will retry it', { key: record.key, error });
          throw error;
        }
      });
    }
    return results;
  }
}
