import { createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeCodePushSignature } from '@hotpatch/core';
import { CliError } from './CliError';
import { packageRelease } from './packageRelease';
import { signRelease } from './signRelease';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-key-'));
  const file = path.join(directory, 'private.pem');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { file, publicKey };
}

describe('signRelease', () => {
  it('writes an RS256 JWT whose contentHash is the package hash of the CodePush folder, verifiable with the public key', () => {
    const folder = path.join(mkdtempSync(path.join(tmpdir(), 'hotpatch-sign-')), 'CodePush');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'b.txt'), 'b');
    const { file, publicKey } = keyPair();
    const { jwt, contentHash } = signRelease(folder, ['b.txt'], file, new Date(0));
    expect(decodeCodePushSignature(jwt)).toEqual({ kind: 'ok', claims: { claimVersion: '1.0.0', contentHash } });
    const [header, payload, signature] = jwt.split('.');
    expect(
      createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature!, 'base64url')),
    ).toBe(true);
  });

  it('refuses to sign a folder not named CodePush, a single file, or with something that is not an RSA key', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'hotpatch-sign-'));
    mkdirSync(path.join(root, 'build'));
    writeFileSync(path.join(root, 'build', 'main.jsbundle'), 'x');
    const { file } = keyPair();
    await expect(packageRelease(path.join(root, 'build'), { privateKey: file })).rejects.toThrow(
      new CliError(
        'signed releases must be a folder named CodePush (the app reads CodePush/.codepushrelease), not build',
      ),
    );
    await expect(packageRelease(path.join(root, 'build', 'main.jsbundle'), { privateKey: file })).rejects.toThrow(
      /signs folder releases only/,
    );
    writeFileSync(path.join(root, 'not-a-key.pem'), 'hello');
    expect(() => signRelease(path.join(root, 'build'), ['main.jsbundle'], path.join(root, 'not-a-key.pem'))).toThrow(
      /is not an RSA private key/,
    );
  });
});
