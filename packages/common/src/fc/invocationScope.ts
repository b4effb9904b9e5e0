import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFields } from '../logging/createLogger';
import type { SigningCredentials } from '../storage/createDownloadUrlBuilder';

/**
 * What belongs to one FC invocation and to nothing else. With instance concurrency above one, FC runs many
 * invocations in one process at once, so none of this may live on a shared object (the logger, the store, the
 * credentials source): it lives in the invocation's async context, which Node carries through every `await`,
 * timer and callback the invocation starts.
 */
export interface Invocation {
  readonly requestId: string;
  /** True for the first invocation of a function instance only. */
  readonly coldStart: boolean;
  /** The credentials FC handed this invocation (`context.credentials`), when it gave any. */
  readonly credentials: SigningCredentials | undefined;
  /** Log keys added during this invocation (`Logger.appendKeys`); every line it writes carries them. */
  keys: LogFields;
}

const scope = new AsyncLocalStorage<Invocation>();

/**
 * Runs `work` as the invocation described: everything it starts, awaited or not, sees this invocation through
 * `currentInvocation()`. The FC adapters call it once per invocation; nothing else should.
 */
export function runInvocation<T>(
  invocation: { requestId: string; coldStart: boolean; credentials?: SigningCredentials | undefined },
  work: () => T,
): T {
  return scope.run(
    { requestId: invocation.requestId, coldStart: invocation.coldStart, credentials: invocation.credentials, keys: {} },
    work,
  );
}

/** The invocation the calling code runs for; undefined outside any (module load, the local stack, the CLI). */
export function currentInvocation(): Invocation | undefined {
  return scope.getStore();
}

/**
 * Runs `work` in the current invocation with a copy of its log keys, so keys `work` appends stay with it: one
 * record of a multi-record OSS event does not lend its keys to the next. Outside an invocation, just runs it.
 */
export function runWithOwnKeys<T>(work: () => T): T {
  const invocation = scope.getStore();
  if (!invocation) return work();
  return scope.run({ ...invocation, keys: { ...invocation.keys } }, work);
}
