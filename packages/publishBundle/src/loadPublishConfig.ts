import {
  AUTH_MODES,
  ConfigError,
  createEnvReader,
  MANAGEMENT_KEYS_VARIABLE,
  MIN_APP_SECRET_LENGTH,
  parseManagementKeys,
  readCatalogTtlSeconds,
  readUploadPrefix,
  type Env,
  type EnvReader,
  type ManagementKey,
  readPatchSettings,
  type PatchSettings,
} from '@hotpatch/common';

/**
 * `direct`: the function verifies the client's API Gateway app signature itself (an FC HTTP trigger, the local
 * stack). `gateway`: API Gateway authenticated the app and signed its call with the backend signature key pair
 * bound to the API; the function verifies that signature and trusts the app key the gateway names.
 */
type PublishAuth = { mode: 'direct' } | { mode: 'gateway'; signatureKey: string; signatureSecret: string };

export interface PublishConfig {
  /** Key id → its secret and scope: the management keys allowed in, and what each may do. */
  appKeys: ReadonlyMap<string, ManagementKey>;
  auth: PublishAuth;
  uploadPrefix: string;
  /** The check path's catalog TTL (absent: `DEFAULT_CATALOG_TTL_SECONDS`): every change answers that devices see it within this many seconds. */
  catalogTtlSeconds?: number;
  /** Binary patches of promoted releases and registered builds (`HOTPATCH_PATCH_BASES`, `HOTPATCH_PATCH_MAX_RATIO`). */
  patches?: PatchSettings;
}

/**
 * `HOTPATCH_APP_KEYS` (required): `key:secret[:role[:apps]][,…]` (see `parseManagementKeys`).
 * `HOTPATCH_AUTH_MODE`: `direct` (default) or `gateway`, which needs `HOTPATCH_GATEWAY_SIGNATURE_KEY` and
 * `HOTPATCH_GATEWAY_SIGNATURE_SECRET` (the backend signature key pair bound to the API in API Gateway).
 * `HOTPATCH_UPLOAD_PREFIX` (default `uploads/`). `HOTPATCH_CATALOG_TTL_SECONDS`, the same value getLatestBundle runs
 * with (default 10): how soon devices see a change, which the answers report.
 */
function readGatewayAuth(read: EnvReader): PublishAuth {
  const signatureKey = read.string('HOTPATCH_GATEWAY_SIGNATURE_KEY', {
    hint: 'the name of the backend signature key bound to the API in API Gateway',
  });
  const signatureSecret = read.string('HOTPATCH_GATEWAY_SIGNATURE_SECRET', {
    hint: 'the secret of the backend signature key bound to the API in API Gateway',
  });
  // The same floor as app secrets; the message never repeats the value.
  if (signatureSecret.length < MIN_APP_SECRET_LENGTH)
    throw new ConfigError('HOTPATCH_GATEWAY_SIGNATURE_SECRET', `is shorter than ${MIN_APP_SECRET_LENGTH} characters`);
  return { mode: 'gateway', signatureKey, signatureSecret };
}

export function loadPublishConfig(env: Env): PublishConfig {
  const read = createEnvReader(env);
  const mode = read.oneOf('HOTPATCH_AUTH_MODE', AUTH_MODES, 'direct');
  const auth: PublishAuth = mode === 'gateway' ? readGatewayAuth(read) : { mode };
  const value = read.string(MANAGEMENT_KEYS_VARIABLE, { hint: 'key:secret[:role[:apps]] entries, comma-separated' });
  const appKeys = parseManagementKeys(value, { requireSecrets: mode === 'direct' });
  if (appKeys.size === 0) throw new ConfigError(MANAGEMENT_KEYS_VARIABLE, 'no key configured');
  return {
    appKeys,
    auth,
    uploadPrefix: readUploadPrefix(env),
    catalogTtlSeconds: readCatalogTtlSeconds(env),
    patches: readPatchSettings(env, 'publishBundle'),
  };
}
