import {
  BadRequestError,
  ConfigError,
  EXPO_KEY_ENCRYPTION_KEY_VARIABLE,
  openExpoSigningKey,
  type ExpoSigningKey,
} from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import type { RevalidatingCache } from './createRevalidatingCache';

/** Where the manifest route finds an app's signing key: the sealed objects (cached like catalogs) and the KEK. */
export interface ExpoKeySource {
  /** Sealed keys by storage key; a stored object is opened once (`opened`), so a rotated key is picked up. */
  sealed: RevalidatingCache<object>;
  opened: WeakMap<object, ExpoSigningKey>;
  /** `HOTPATCH_EXPO_KEY_ENCRYPTION_KEY`, current first; empty when the deployment has none (no app can sign). */
  keyEncryptionKeys: readonly Buffer[];
}

/**
 * The signing key for a device that expects signatures (`expo-expect-signature`). An app with no key is the
 * app's setup problem, told to the device (400 naming the header), never answered unsigned; a key the function
 * cannot open is the deployment's problem (a configuration error, logged).
 */
export async function expoSigningKey(
  app: string,
  expected: { keyId: string | undefined },
  source: ExpoKeySource,
): Promise<ExpoSigningKey> {
  const sealed = await source.sealed.get(storageKeys.expoSigningKey(app));
  if (!sealed)
    throw new BadRequestError(
      `app ${JSON.stringify(app)} has no Expo code-signing key, but this build expects signed manifests (expo-expect-signature); install one with hotpatch expo key set`,
      'expo-expect-signature',
    );
  let key = source.opened.get(sealed);
  if (!key) {
    if (source.keyEncryptionKeys.length === 0)
      throw new ConfigError(EXPO_KEY_ENCRYPTION_KEY_VARIABLE, `is not set, and app ${app} has an Expo signing key`);
    try {
      key = openExpoSigningKey(sealed, app, source.keyEncryptionKeys);
    } catch (error) {
      throw new ConfigError(EXPO_KEY_ENCRYPTION_KEY_VARIABLE, (error as Error).message, { cause: error });
    }
    source.opened.set(sealed, key);
  }
  if (expected.keyId !== undefined && expected.keyId !== key.keyId)
    throw new BadRequestError(
      `this build expects key id ${JSON.stringify(expected.keyId)}, app ${JSON.stringify(app)} signs with ${JSON.stringify(key.keyId)}`,
      'expo-expect-signature',
    );
  return key;
}
