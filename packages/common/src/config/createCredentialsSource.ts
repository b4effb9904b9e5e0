import { ConfigError } from '../errors';
import type { FcContext } from '../fc/FcContext';
import { currentInvocation } from '../fc/invocationScope';
import type { OssCredentials } from '../signing/ossV1Signature';
import type { SigningCredentials } from '../storage/createDownloadUrlBuilder';
import type { Env } from './createEnvReader';

/**
 * Where OSS credentials come from: the FC context of the current invocation (the function role's STS
 * credentials, which FC rotates), else the standard environment variables. Stores read it on every call, so
 * a rotation is picked up by the next request.
 *
 * Inside an invocation a store signs with that invocation's own credentials (kept in its scope, see
 * `runInvocation`), never with "the latest" an instance was given: with instance concurrency, invocations
 * overlap, and a shared "latest" would let one invocation's (possibly older) credentials replace another's.
 * Signing with the invocation's own is safe: FC hands every invocation credentials valid for hours (it rotates
 * them well before they expire), and whatever an invocation starts, including a single-flight catalog read that
 * concurrent invocations share, is bounded by the storage and function timeouts, so it is signed with
 * credentials still valid when OSS checks them; a signed download URL's lifetime is computed from the very
 * credentials that sign it.
 */
export interface CredentialsSource {
  /**
   * Called at the start of each invocation with FC's context: remembers its credentials for work outside any
   * invocation (none on FC; tests and tools), which otherwise falls back to the environment variables.
   */
  update(context: FcContext | undefined): void;
  /**
   * The credentials to sign with now: the current invocation's, else (an invocation FC gave none, or no
   * invocation) the last ones FC gave this instance, else the environment's. `expiresAt` (epoch ms) when FC
   * said when they expire.
   */
  current(): SigningCredentials;
}

/** An STS expiry as FC may pass it (ISO 8601 like STS's `Expiration`, or epoch seconds/milliseconds). */
function parseExpiration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string' && value !== '') {
    const parsed = /^\d+$/.test(value) ? parseExpiration(Number(value)) : Date.parse(value);
    return parsed !== undefined && Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** The credentials of an FC context (`context.credentials`), when it carries complete ones. */
export function credentialsFromContext(context: FcContext | undefined): SigningCredentials | undefined {
  const credentials = context?.credentials;
  if (!credentials?.accessKeyId || !credentials.accessKeySecret) return undefined;
  const expiresAt = parseExpiration(credentials.expiration ?? credentials.Expiration);
  return {
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

export function createCredentialsSource(env: Env): CredentialsSource {
  let fromContext: SigningCredentials | undefined;
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const fromEnv: OssCredentials | undefined =
    accessKeyId && accessKeySecret
      ? {
          accessKeyId,
          accessKeySecret,
          ...(env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
        }
      : undefined;

  return {
    update(context) {
      fromContext = credentialsFromContext(context) ?? fromContext;
    },
    current() {
      const credentials = currentInvocation()?.credentials ?? fromContext ?? fromEnv;
      if (!credentials)
        throw new ConfigError(
          'ALIBABA_CLOUD_ACCESS_KEY_ID',
          'no OSS credentials: FC gave none (configure a service role) and ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set',
        );
      return credentials;
    },
  };
}
