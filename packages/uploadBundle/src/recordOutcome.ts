import { ObjectExistsError, readJson, writeJson, type ObjectStore } from '@hotpatch/common';
import { parseUploadOutcome, type UploadOutcome } from '@hotpatch/core';

/**
 * Records an upload's outcome once. When another delivery of the same event got there first, its record
 * stands and is returned: one upload, one outcome.
 */
export async function recordOutcome(
  store: ObjectStore,
  statusKey: string,
  outcome: UploadOutcome,
): Promise<UploadOutcome> {
  try {
    await writeJson(store, statusKey, outcome, { forbidOverwrite: true });
    return outcome;
  } catch (error) {
    if (!(error instanceof ObjectExistsError)) throw error;
    return (await readJson(store, statusKey, parseUploadOutcome)) ?? outcome;
  }
}
