import { decodeCodePushSignature } from './codePushSignature';

const segment = (value: unknown): string =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const hash = 'ab'.repeat(32);

describe('decodeCodePushSignature', () => {
  it('reads claimVersion and contentHash from an RS256 JWT', () => {
    expect(
      decodeCodePushSignature(
        `${segment({ alg: 'RS256', typ: 'JWT' })}.${segment({ claimVersion: '1.0.0', contentHash: hash, iat: 1 })}.c2ln`,
      ),
    ).toEqual({ kind: 'ok', claims: { claimVersion: '1.0.0', contentHash: hash } });
  });

  it.each([
    ['not a jwt', 'not a compact JWT'],
    [`${segment({ alg: 'none' })}.${segment({ contentHash: hash })}.c2ln`, 'RS256'],
    [`${segment({ alg: 'RS256' })}.${segment({ claimVersion: '1.0.0' })}.c2ln`, 'no contentHash'],
    ['e30.bm90IGpzb24.c2ln', 'not Base64url JSON'],
  ])('refuses %s', (jwt, reason) => {
    expect(decodeCodePushSignature(jwt)).toEqual({ kind: 'invalid', reasons: [expect.stringContaining(reason)] });
  });
});
