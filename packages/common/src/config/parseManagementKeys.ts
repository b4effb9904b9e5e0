import { parseKeyScope, type KeyScope } from '@hotpatch/core';
import { ConfigError } from '../errors';

/** The variable that configures management keys (publishBundle, `hotpatch deploy --app-keys`). */
export const MANAGEMENT_KEYS_VARIABLE = 'HOTPATCH_APP_KEYS';

/** One management key: the app secret that signs its requests (direct mode), and what it may do. */
export interface ManagementKey {
  secret: string;
  scope: KeyScope;
}

/**
 * How publishBundle authenticates management calls (`HOTPATCH_AUTH_MODE`): `direct` verifies the caller's own
 * app signature (an FC HTTP trigger, the local stack), `gateway` verifies API Gateway's backend signature.
 * Here, not in publishBundle, because `hotpatch deploy` validates the setting before deploying.
 */
export const AUTH_MODES = ['direct', 'gateway'] as const;

/** Key ids as API Gateway app keys look: 4-64 letters, digits, `_` or `-`. */
export const MANAGEMENT_KEY_ID = /^[A-Za-z0-9_-]{4,64}$/;
export const MIN_APP_SECRET_LENGTH = 16;

/**
 * Reads `HOTPATCH_APP_KEYS`: comma-separated `key:secret[:role[:apps]]` entries, role `admin`, `release` or
 * `read`, apps `*` or `app1|app2`. An entry without a role is `admin` on `*`, so `key:secret` means what it
 * always meant. Secrets need at least 16 characters when `requireSecrets` (direct mode, where the function
 * checks them); behind API Gateway the gateway holds them and an entry may leave the secret empty
 * (`ci::release:shop`). Throws `ConfigError` naming the variable and the entry's problem.
 */
export function parseManagementKeys(value: string, options: { requireSecrets: boolean }): Map<string, ManagementKey> {
  const keys = new Map<string, ManagementKey>();
  for (const entry of value.split(',')) {
    const parts = entry.trim().split(':');
    const [key = '', secret, role, apps] = parts;
    if (parts.length < 2 || parts.length > 4 || !MANAGEMENT_KEY_ID.test(key)) {
      throw new ConfigError(
        MANAGEMENT_KEYS_VARIABLE,
        'each entry must be key:secret[:role[:apps]] with a key of 4-64 letters, digits, "_" or "-" (and no ":" in the secret)',
      );
    }
    if (keys.has(key)) throw new ConfigError(MANAGEMENT_KEYS_VARIABLE, `key ${key} is configured twice`);
    if (options.requireSecrets && secret!.length < MIN_APP_SECRET_LENGTH)
      throw new ConfigError(
        MANAGEMENT_KEYS_VARIABLE,
        `the secret of ${key} is shorter than ${MIN_APP_SECRET_LENGTH} characters`,
      );
    const scope = parseKeyScope(role, apps);
    if ('problem' in scope) throw new ConfigError(MANAGEMENT_KEYS_VARIABLE, `key ${key}: ${scope.problem}`);
    keys.set(key, { secret: secret!, scope });
  }
  return keys;
}
