import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { createEnvReader, type Env } from '../config/createEnvReader';
import { ConfigError } from '../errors';

/**
 * The variable that holds the key-encryption keys of Expo signing keys: 32 random bytes each, base64 (44
 * characters), comma-separated, the current one first (it seals; every one listed opens, so the key-encryption
 * key can be rotated without a gap). Only getLatestBundle's environment and the operator who installs keys hold
 * them; the bucket holds ciphertext only.
 */
export const EXPO_KEY_ENCRYPTION_KEY_VARIABLE = 'HOTPATCH_EXPO_KEY_ENCRYPTION_KEY';

const FORMAT = 'hotpatch-expo-signing-key-1';

/** The only algorithm expo-updates clients verify (Expo Updates protocol v1, code signing). */
export const EXPO_SIGNING_ALGORITHM = 'rsa-v1_5-sha256';

/** A key id as apps put it in `codeSigningMetadata.keyid`; safe inside an SFV string. */
export const EXPO_KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** An app's Expo signing key as stored under `storageKeys.expoSigningKey`: the private key is ciphertext. */
export interface SealedExpoSigningKey {
  format: typeof FORMAT;
  app: string;
  keyId: string;
  alg: typeof EXPO_SIGNING_ALGORITHM;
  /** PEM certificates, leaf first, sent as the `certificate_chain` part; public by nature. Absent: no such part. */
  certificateChain?: string;
  /** AES-256-GCM of the PKCS#8 PEM, bound to `app` and `keyId` (additional data), base64 each. */
  privateKey: { iv: string; ciphertext: string; tag: string };
}

/** An app's Expo signing key, decrypted, ready to sign. */
export interface ExpoSigningKey {
  app: string;
  keyId: string;
  privateKey: KeyObject;
  certificateChain: string | undefined;
  /**
   * SHA-256 hex of everything a signed answer depends on besides its body (public key, key id, certificate
   * chain): what caches of signed answers are keyed by, so a new key or chain never reuses one.
   */
  fingerprint: string;
}

/**
 * Reads the key-encryption keys, current first; empty when unset (no app can then sign). A malformed value is a
 * `ConfigError` that names the variable and the expected shape, never the value: even a mistyped key is a secret
 * (the message reaches function logs and the CLI's stderr).
 */
export function readExpoKeyEncryptionKeys(env: Env): Buffer[] {
  const value = createEnvReader(env).optionalString(EXPO_KEY_ENCRYPTION_KEY_VARIABLE);
  if (value === undefined) return [];
  if (!/^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/.test(value))
    throw new ConfigError(
      EXPO_KEY_ENCRYPTION_KEY_VARIABLE,
      'must be 32 random bytes in base64 (44 characters, e.g. `openssl rand -base64 32`), several comma-separated while rotating',
    );
  return value.split(',').map((key) => Buffer.from(key, 'base64'));
}

const additionalData = (app: string, keyId: string): Buffer => Buffer.from(`${FORMAT}\n${app}\n${keyId}`);

const fingerprintOf = (privateKey: KeyObject, keyId: string, certificateChain: string | undefined): string =>
  createHash('sha256')
    .update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))
    .update(`\n${keyId}\n${certificateChain ?? ''}`)
    .digest('hex');

/**
 * Seals a private key (PEM) for storage: checks it is RSA, that the first certificate of the chain (when given)
 * is the one of this key, then encrypts it with the key-encryption key. Throws a sentence on bad input.
 */
export function sealExpoSigningKey(
  input: { app: string; keyId: string; privateKeyPem: string; certificateChain?: string },
  keyEncryptionKey: Buffer,
): SealedExpoSigningKey {
  if (!EXPO_KEY_ID_PATTERN.test(input.keyId))
    throw new Error(`key id ${JSON.stringify(input.keyId)} must be 1-64 letters, digits, ".", "_" or "-"`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(input.privateKeyPem);
  } catch {
    throw new Error('the private key is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new Error(`the private key is ${privateKey.asymmetricKeyType ?? 'not asymmetric'}; Expo signs with RSA`);
  if (input.certificateChain !== undefined) {
    const leaf = new X509Certificate(input.certificateChain);
    if (!leaf.checkPrivateKey(privateKey))
      throw new Error("the certificate chain's first certificate is not the certificate of this private key");
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyEncryptionKey, iv);
  cipher.setAAD(additionalData(input.app, input.keyId));
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const ciphertext = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return {
    format: FORMAT,
    app: input.app,
    keyId: input.keyId,
    alg: EXPO_SIGNING_ALGORITHM,
    ...(input.certificateChain === undefined ? {} : { certificateChain: input.certificateChain }),
    privateKey: {
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
  };
}

/**
 * Opens a stored signing key of `app` with one of the key-encryption keys. Throws when the object is not a sealed
 * key, belongs to another app (a copied object) or decrypts with none of them (another key, or tampering).
 */
export function openExpoSigningKey(json: unknown, app: string, keyEncryptionKeys: readonly Buffer[]): ExpoSigningKey {
  const sealed = json as Partial<SealedExpoSigningKey> | null;
  if (
    sealed?.format !== FORMAT ||
    typeof sealed.keyId !== 'string' ||
    !EXPO_KEY_ID_PATTERN.test(sealed.keyId) ||
    typeof sealed.privateKey?.iv !== 'string' ||
    typeof sealed.privateKey.ciphertext !== 'string' ||
    typeof sealed.privateKey.tag !== 'string' ||
    (sealed.certificateChain !== undefined && typeof sealed.certificateChain !== 'string')
  )
    throw new Error(`not a sealed Expo signing key (${FORMAT})`);
  if (sealed.app !== app) throw new Error(`the Expo signing key stored for ${app} names another app`);
  let pem: Buffer | undefined;
  for (const keyEncryptionKey of keyEncryptionKeys) {
    const decipher = createDecipheriv('aes-256-gcm', keyEncryptionKey, Buffer.from(sealed.privateKey.iv, 'base64'));
    decipher.setAAD(additionalData(app, sealed.keyId));
    decipher.setAuthTag(Buffer.from(sealed.privateKey.tag, 'base64'));
    try {
      pem = Buffer.concat([decipher.update(Buffer.from(sealed.privateKey.ciphertext, 'base64')), decipher.final()]);
      break;
    } catch {
      // Sealed with another of the keys, or altered: try the next one.
    }
  }
  if (!pem)
    throw new Error(
      `the Expo signing key of ${app} does not decrypt with ${EXPO_KEY_ENCRYPTION_KEY_VARIABLE} (another key-encryption key, or altered)`,
    );
  const privateKey = createPrivateKey(pem);
  return {
    app,
    keyId: sealed.keyId,
    privateKey,
    certificateChain: sealed.certificateChain,
    fingerprint: fingerprintOf(privateKey, sealed.keyId, sealed.certificateChain),
  };
}

/**
 * The `expo-signature` structured header of a part body: RSASSA-PKCS1-v1_5 with SHA-256 over the exact UTF-8
 * bytes sent, standard base64, with the key id and algorithm (Expo Updates protocol v1, code signing).
 */
export function expoSignatureHeader(body: string, key: Pick<ExpoSigningKey, 'keyId' | 'privateKey'>): string {
  const signature = sign('sha256', Buffer.from(body, 'utf8'), key.privateKey).toString('base64');
  // Base64 and key ids (EXPO_KEY_ID_PATTERN) need no escaping inside an SFV string.
  return `sig="${signature}", keyid="${key.keyId}", alg="${EXPO_SIGNING_ALGORITHM}"`;
}
