import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { openExpoSigningKey, readExpoKeyEncryptionKey, sealExpoSigningKey } from './expoSigningKey';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const kek = randomBytes(32);

describe('Expo signing keys sealed for the bucket', () => {
  it('round-trips: the stored object holds no private key material, and opens to the same key', () => {
    const sealed = sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, kek);
    const stored = JSON.stringify(sealed);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(privateKeyPem.split('\n')[1]);
    const opened = openExpoSigningKey(JSON.parse(stored), 'shop', kek);
    expect(opened.keyId).toBe('main');
    expect(opened.privateKey.export({ type: 'pkcs8', format: 'pem' })).toBe(privateKeyPem);
  });

  it('refuses another key-encryption key, an object copied to another app, and altered ciphertext', () => {
    const sealed = sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem }, kek);
    expect(() => openExpoSigningKey(sealed, 'shop', randomBytes(32))).toThrow(/does not decrypt/);
    expect(() => openExpoSigningKey(sealed, 'other', kek)).toThrow(/names another app/);
    // Renaming the app inside the object does not help: the app is bound into the ciphertext.
    expect(() => openExpoSigningKey({ ...sealed, app: 'other' }, 'other', kek)).toThrow(/does not decrypt/);
    expect(() => openExpoSigningKey({ ...sealed, keyId: 'root' }, 'shop', kek)).toThrow(/does not decrypt/);
    expect(() => openExpoSigningKey({ format: 'x' }, 'shop', kek)).toThrow(/not a sealed Expo signing key/);
  });

  it('refuses a non-RSA key and a key id that cannot travel in an SFV string', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => sealExpoSigningKey({ app: 'shop', keyId: 'main', privateKeyPem: ec as string }, kek)).toThrow(/RSA/);
    expect(() => sealExpoSigningKey({ app: 'shop', keyId: 'a"b', privateKeyPem }, kek)).toThrow(/key id/);
  });

  it('reads the key-encryption key as 32 bytes of base64, naming the variable when malformed', () => {
    expect(readExpoKeyEncryptionKey({})).toBeUndefined();
    expect(readExpoKeyEncryptionKey({ HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: kek.toString('base64') })).toEqual(kek);
    expect(() => readExpoKeyEncryptionKey({ HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: 'short' })).toThrow(
      /HOTPATCH_EXPO_KEY_ENCRYPTION_KEY/,
    );
  });
});
