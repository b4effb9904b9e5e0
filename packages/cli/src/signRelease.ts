import { createHash, createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { computePackageHash } from '@hotpatch/core';
import { CliError } from './CliError';

/** The root folder stock CodePush clients look in for the signature (`CodePush/.codepushrelease`). */
export const SIGNED_ROOT = 'CodePush';

function loadPrivateKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read the private key ${file}`);
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    throw new CliError(`${file} is not an RSA private key in PEM form (CodePush signatures are RS256)`);
  }
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The `.codepushrelease` of a folder release, as the stock CLIs write it (docs/protocols/codepush.md §6): an RS256
 * JWT whose `contentHash` is the package hash of the files under the `CodePush/` root (the signature itself
 * excluded), with `claimVersion` 1.0.0.
 */
export function signRelease(
  folder: string,
  files: readonly string[],
  privateKeyFile: string,
  now: Date = new Date(),
): { jwt: string; contentHash: string } {
  const key = loadPrivateKey(privateKeyFile);
  const hashed = files.map((relative) => ({
    path: `${SIGNED_ROOT}/${relative}`,
    sha256: createHash('sha256')
      .update(readFileSync(path.join(folder, relative)))
      .digest('hex'),
  }));
  const contentHash = computePackageHash(hashed);
  const input = `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url({ claimVersion: '1.0.0', contentHash, iat: Math.floor(now.getTime() / 1000) })}`;
  return { jwt: `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`, contentHash };
}
