import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  expoSignatureHeader,
  openExpoSigningKey,
  readExpoKeyEncryptionKeys,
  sealExpoSigningKey,
} from './expoSigningKey';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const kek = randomBytes(32);

describe('Expo signing keys sealed for the bucket', () => {
  it('round-trips: the stored object holds no private key material, and opens to the same key', () => {
    const sealed = sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, kek);
    const stored = JSON.stringify(sealed);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(privateKeyPem.split('\n')[1]);
    const opened = openExpoSigningKey(JSON.parse(stored), 'shop', [kek]);
    expect(opened.keyId).toBe('main');
    expect(opened.privateKey.export({ type: 'pkcs8', format: 'pem' })).toBe(privateKeyPem);
  });

  it('refuses another key-encryption key, an object copied to another app, and altered ciphertext', () => {
    const sealed = sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, kek);
    expect(() => openExpoSigningKey(sealed, 'shop', [randomBytes(32)])).toThrow(/does not decrypt/);
    expect(() => openExpoSigningKey(sealed, 'other', [kek])).toThrow(/names another app/);
    // Renaming the app inside the object does not help: the app is bound into the ciphertext.
    expect(() => openExpoSigningKey({ ...sealed, app: 'other' }, 'other', [kek])).toThrow(/does not decrypt/);
    expect(() => openExpoSigningKey({ ...sealed, keyId: 'root' }, 'shop', [kek])).toThrow(/does not decrypt/);
    expect(() => openExpoSigningKey({ format: 'x' }, 'shop', [kek])).toThrow(/not a sealed Expo signing key/);
  });

  it('refuses a non-RSA key and a key id that cannot travel in an SFV string', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem: ec as string }, kek)).toThrow(/RSA/);
    expect(() => sealExpoSigningKey({ app: 'shop', keyId: 'a"b', privateKeyPem }, kek)).toThrow(/key id/);
  });

  it('reads the key-encryption keys as 32 bytes of base64 each, current first, naming the variable (never the value) when malformed', () => {
    const next = randomBytes(32);
    expect(readExpoKeyEncryptionKeys({})).toEqual([]);
    expect(readExpoKeyEncryptionKeys({ HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek.toString('base64') })).toEqual([kek]);
    expect(
      readExpoKeyEncryptionKeys({
        HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: `${next.toString('base64')},${kek.toString('base64')}`,
      }),
    ).toEqual([next, kek]);
    expect(() => readExpoKeyEncryptionKeys({ HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: 'short-but-secret' })).toThrow(
      'HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: must be 32 random bytes in base64 (44 characters, e.g. `openssl rand -base64 32`), several comma-separated while rotating',
    );
  });

  it('opens with any listed key-encryption key, so rotating it has no gap', () => {
    const next = randomBytes(32);
    const old = sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, kek);
    const resealed = sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, next);
    for (const sealed of [old, resealed]) expect(openExpoSigningKey(sealed, 'shop', [next, kek]).keyId).toBe('main');
    expect(() => openExpoSigningKey(old, 'shop', [next])).toThrow(/does not decrypt/);
  });
});

describe("Expo's golden vectors (fixtures/expo/certificates)", () => {
  const folder = path.join(__dirname, '../../../../fixtures/expo/certificates');
  const golden = JSON.parse(readFileSync(path.join(folder, 'goldenVectors.json'), 'utf8')) as {
    vectors: { name: string; body: string; expoSignature: string }[];
  };
  const testKey = createPrivateKey(readFileSync(path.join(folder, 'test-privateKey.pem')));

  it.each(golden.vectors.map((vector) => [vector.name, vector] as const))(
    'signing %s with Expo test key reproduces Expo signature',
    (_name, vector) => {
      const header = expoSignatureHeader(vector.body, { keyId: 'root', privateKey: testKey });
      expect(header.split(', ')[0]).toBe(vector.expoSignature);
      expect(header).toMatch(/^sig="[A-Za-z0-9+/]+={0,2}", keyid="root", alg="rsa-v1_5-sha256"$/);
    },
  );

  it('accepts Expo test key with its certificate, and refuses it with another certificate', () => {
    const privateKeyPem = readFileSync(path.join(folder, 'test-privateKey.pem'), 'utf8');
    const sealed = sealExpoSigningKey(
      {
        app: 'shop',
        keyId: 'main',
        privateKeyPem,
        certificateChain: readFileSync(path.join(folder, 'test.pem'), 'utf8'),
      },
      kek,
    );
    expect(openExpoSigningKey(sealed, 'shop', [kek]).certificateChain).toContain('BEGIN CERTIFICATE');
    expect(() =>
      sealExpoSigningKey(
        {
          app: 'shop',
          keyId: 'main',
          privateKeyPem,
          certificateChain: readFileSync(path.join(folder, 'chainLeaf.pem'), 'utf8'),
        },
        kek,
      ),
    ).toThrow(/not the certificate of this private key/);
  });
});
