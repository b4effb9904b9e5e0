import { randomBytes } from 'node:crypto';
import { expoSignatureHeader, type ExpoSigningKey, type HttpResponse } from '@hotpatch/common';
import {
  createLruCache,
  expoDirective,
  expoManifest,
  LRU_ENTRY_OVERHEAD_BYTES,
  type ExpoAsset,
  type ExpoDecision,
  type ExpoRelease,
  type LruLimits,
} from '@hotpatch/core';
import { NotAcceptableError, type ExpoMediaType, type ExpoRequest } from './parseExpoRequest';

/**
 * The bounds of the Expo caches of a warm instance: manifest bodies by (update, asset URL grid) and finished
 * answers by (signing key, body). Each signature is computed once per (key, body), not per request.
 */
export const EXPO_CACHE_LIMITS = {
  manifests: { maxEntries: 4000, maxBytes: 8 * 1024 * 1024 },
  answers: { maxEntries: 8000, maxBytes: 16 * 1024 * 1024 },
} as const satisfies Record<string, LruLimits>;

/** Headers of every manifest-route answer (Expo Updates protocol v1, "Response"). */
const PROTOCOL_HEADERS = {
  'expo-protocol-version': '1',
  'expo-sfv-version': '0',
  'cache-control': 'private, max-age=0',
} as const;

interface Answer {
  body: string;
  /** The JSON answer's own `expo-signature` (a multipart answer carries it on the part). */
  signature?: string;
}

/** Makes the answers of the manifest route: multipart framing, signatures, and their caches. */
export interface ExpoResponder {
  respond(
    decision: ExpoDecision,
    request: ExpoRequest,
    signingKey: ExpoSigningKey | undefined,
    assetUrl: (contentKey: string) => string,
    /** The launch asset's URL when it is served by the patching route (`expoLaunchAssetUrl`). */
    launchAssetUrl?: (launchAsset: ExpoAsset) => string,
  ): HttpResponse;
  /** How many signatures it has computed (for tests and benchmarks: each once per key and body). */
  readonly signatures: number;
}

export function createExpoResponder(): ExpoResponder {
  // One boundary per instance: parts are JSON and PEM, which never contain `--` followed by 32 hex digits.
  const boundary = `hotpatch-${randomBytes(16).toString('hex')}`;
  const multipartType = `multipart/mixed; boundary=${boundary}`;
  const manifests = createLruCache<string, string>(EXPO_CACHE_LIMITS.manifests);
  const answers = createLruCache<string, Answer>(EXPO_CACHE_LIMITS.answers);
  let signatures = 0;

  const part = (name: string, contentType: string, body: string, signature?: string): string =>
    `--${boundary}\r\ncontent-type: ${contentType}\r\ncontent-disposition: inline; name="${name}"\r\n` +
    (signature ? `expo-signature: ${signature}\r\n` : '') +
    `\r\n${body}\r\n`;

  /**
   * The finished answer for a body, from the cache when this format, key and body were answered before. The body
   * is named by a short `identity` (a manifest: update id and launch asset URL; a directive: its JSON), so a hit
   * costs no work proportional to the body.
   */
  function answer(
    format: 'multipart' | 'json',
    name: 'manifest' | 'directive',
    identity: string,
    makeBody: () => string,
    key: ExpoSigningKey | undefined,
  ): Answer {
    const cacheKey = `${format}\n${key?.fingerprint ?? '-'}\n${identity}`;
    const cached = answers.get(cacheKey);
    if (cached) return cached;
    const body = makeBody();
    let signature: string | undefined;
    if (key) {
      signature = expoSignatureHeader(body, key);
      signatures += 1;
    }
    const made: Answer =
      format === 'json'
        ? { body, ...(signature ? { signature } : {}) }
        : {
            body:
              part(name, 'application/json; charset=utf-8', body, signature) +
              (key?.certificateChain ? part('certificate_chain', 'application/x-pem-file', key.certificateChain) : '') +
              `--${boundary}--\r\n`,
          };
    answers.set(cacheKey, made, LRU_ENTRY_OVERHEAD_BYTES + (cacheKey.length + made.body.length) * 2);
    return made;
  }

  function manifestBody(
    release: ExpoRelease,
    identity: string,
    assetUrl: (key: string) => string,
    launchAssetUrl: ((launchAsset: ExpoAsset) => string) | undefined,
  ): string {
    let body = manifests.get(identity);
    if (body === undefined) {
      body = JSON.stringify(expoManifest(release, assetUrl, launchAssetUrl));
      manifests.set(identity, body, LRU_ENTRY_OVERHEAD_BYTES + (identity.length + body.length) * 2);
    }
    return body;
  }

  return {
    respond(decision, request, signingKey, assetUrl, launchAssetUrl) {
      // Protocol 0 has no directives: a device already on the newest update gets its manifest again, and a
      // rollback or "nothing" is an empty answer (a no-op for every client version).
      const release =
        decision.kind === 'manifest' || (request.protocolVersion === 0 && decision.kind === 'noUpdateAvailable')
          ? decision.release
          : undefined;
      if (!release && request.protocolVersion === 0)
        return { statusCode: 204, headers: { ...PROTOCOL_HEADERS }, body: '' };
      const name = release ? 'manifest' : 'directive';
      // Presigned asset URLs repeat on a grid (createDownloadUrlBuilder): the launch asset's URL says which one.
      const identity = release
        ? `${release.expo.id}\n${assetUrl(release.expo.launchAsset.contentKey)}`
        : JSON.stringify(expoDirective(decision.kind === 'rollBackToEmbedded' ? decision.commitTime : undefined));
      const makeBody = release ? () => manifestBody(release, identity, assetUrl, launchAssetUrl) : () => identity;
      const format: ExpoMediaType | undefined = release
        ? request.accept[0]
        : request.accept.find((type) => type === 'multipart/mixed');
      if (format === undefined)
        throw new NotAcceptableError(
          'the answer is a directive, which only multipart/mixed can carry; the request does not accept it',
        );
      if (format === 'multipart/mixed') {
        const made = answer('multipart', name, identity, makeBody, signingKey);
        return { statusCode: 200, headers: { ...PROTOCOL_HEADERS, 'content-type': multipartType }, body: made.body };
      }
      const made = answer('json', name, identity, makeBody, signingKey);
      return {
        statusCode: 200,
        headers: {
          ...PROTOCOL_HEADERS,
          'content-type': `${format}; charset=utf-8`,
          ...(made.signature ? { 'expo-signature': made.signature } : {}),
        },
        body: made.body,
      };
    },
    get signatures() {
      return signatures;
    },
  };
}
