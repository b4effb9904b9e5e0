import { refuse, type Refusal } from './refusal';

/** What a `.codepushrelease` JWT claims (docs/protocols/codepush.md §6). */
export interface CodePushReleaseClaims {
  claimVersion: string;
  contentHash: string;
}

export type DecodedSignature = { kind: 'ok'; claims: CodePushReleaseClaims } | Refusal<'invalid'>;

function base64UrlToText(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
}

/**
 * Decodes (does not verify: the server has no key; the app does) a CodePush release signature, a compact
 * JWS `header.payload.signature` whose payload carries `claimVersion` and `contentHash`.
 */
export function decodeCodePushSignature(jwt: string): DecodedSignature {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part)))
    return refuse('invalid', '.codepushrelease is not a compact JWT (header.payload.signature)');
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(base64UrlToText(parts[0]!));
    payload = JSON.parse(base64UrlToText(parts[1]!));
  } catch {
    return refuse('invalid', '.codepushrelease header or payload is not Base64url JSON');
  }
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'RS256')
    return refuse('invalid', '.codepushrelease must be signed with RS256');
  const claims = payload as Partial<CodePushReleaseClaims> | null;
  if (typeof claims?.contentHash !== 'string' || !/^[0-9a-f]{64}$/.test(claims.contentHash))
    return refuse('invalid', '.codepushrelease has no contentHash claim');
  return { kind: 'ok', claims: { claimVersion: String(claims.claimVersion ?? ''), contentHash: claims.contentHash } };
}
