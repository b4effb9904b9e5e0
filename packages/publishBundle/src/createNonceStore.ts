import { ObjectExistsError, writeJson, type ObjectStore } from '@hotpatch/common';

export interface NonceStore {
  /** True the first time a key's nonce is seen, false ever after: across instances, through OSS. */
  claim(appKey: string, nonce: string, timestamp: number): Promise<boolean>;
}

/**
 * Nonces remembered in OSS (`nonces/<key>/<nonce>`, created with forbid-overwrite), so a request replayed to
 * another FC instance is refused too. A bucket lifecycle rule may expire `nonces/` after a day: the timestamp
 * window refuses anything older anyway.
 */
export function createNonceStore(store: ObjectStore): NonceStore {
  return {
    async claim(appKey, nonce, timestamp) {
      try {
        await writeJson(store, `nonces/${appKey}/${nonce}`, { timestamp }, { forbidOverwrite: true });
        return true;
      } catch (error) {
        if (error instanceof ObjectExistsError) return false;
        throw error;
      }
    },
  };
}
