import { ObjectExistsError, writeJson, type ObjectStore } from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';

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
        await writeJson(store, storageKeys.nonce(appKey, nonce), { timestamp }, { forbidOverwrite: true });
        return true;
      } catch (error) {
        if (error instanceof ObjectExistsError) return false;
        throw error;
      }
    },
  };
}

/**
 * Nonces remembered by this instance only: for the health route of a function whose storage is misconfigured
 * (no OSS to remember them in). A read-only probe replayed to another instance reveals nothing new.
 */
export function createMemoryNonceStore(): NonceStore {
  const seen = new Set<string>();
  return {
    claim(appKey, nonce) {
      const id = `${appKey}/${nonce}`;
      if (seen.has(id)) return Promise.resolve(false);
      seen.add(id);
      return Promise.resolve(true);
    },
  };
}
