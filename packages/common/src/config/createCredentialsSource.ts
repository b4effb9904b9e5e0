import { ConfigError } from '../errors';
import type { FcContext } from '../fc/FcContext';
import type { OssCredentials } from '../signing/ossV1Signature';
import type { SigningCredentials } from '../storage/createDownloadUrlBuilder';
import type { Env } from './createEnvReader';

/**
 * Where OSS credentials come from: the FC context of the current invocation (the function role's STS
 * credentials, which FC rotates), else the standard environment variables. Stores read it on every call, so
 * a rotation is picked up by the next request.
 */
export interface CredentialsSource {
  /** Called at the start of each invocation with FC's context. */
  update(context: FcContext | undefined): void;
  /** The credentials to sign with now; `expiresAt` (epoch ms) when FC said when they expire. */
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

export function createCredentialsSource(env: Env): CredentialsSource {
  let fromContext: SigningCredentials | undefined;
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const fromEnv: OssCredentials | undefined = accessKeyId && accessKeySecret
    ? { accessKeyId, accessKeySecret, ...(env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}) }
    : undefined;

  return {
    update(context) {
      const credentials = context?.credentials;
      if (credentials?.accessKeyId && credentials.accessKeySecret) {
        const expiresAt = parseExpiration(credentials.expiration ?? credentials.Expiration);
        fromContext = {
          accessKeyId: credentials.accessKeyId,
          accessKeySecret: credentials.accessKeySecret,
          ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        };
      }
    },
    current() {
      const credentials = fromContext ?? fromEnv;
      if (!credentials) throw new ConfigError('ALIBABA_CLOUD_ACCESS_KEY_ID', 'no OSS credentials: FC gave none (configure a service role) and ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set');
      return credentials;
    },
  };
}
