import type { ObjectStore } from './ObjectStore';

/**
 * Every key under `prefix`, in key order, following continuation tokens to the last page. `startAfter`
 * skips the keys up to and including it (the first page's; later pages continue by token).
 */
export async function listAllKeys(
  store: ObjectStore,
  options: { prefix: string; startAfter?: string },
): Promise<string[]> {
  const keys: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await store.list({
      prefix: options.prefix,
      ...(continuationToken ? { continuationToken } : options.startAfter ? { startAfter: options.startAfter } : {}),
    });
    keys.push(...page.objects.map((object) => object.key));
    continuationToken = page.nextContinuationToken;
  } while (continuationToken);
  return keys;
}
