import { appSignaturePlan, contentMd5Base64 } from '@hotpatch/core';

/** A management key as the user typed it. */
export interface Credentials {
  keyId: string;
  secret: string;
}

const encoder = new TextEncoder();

function base64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

/**
 * The headers that sign one management call, exactly as the CLI's signer (`signApiGatewayRequest` of
 * `@hotpatch/common`) makes them: the same headers and string to sign (`appSignaturePlan`, core), HMAC-SHA256
 * computed by WebCrypto, so the secret never leaves the tab.
 */
export async function signRequest(input: {
  credentials: Credentials;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: Uint8Array;
  now?: number;
  nonce?: string;
}): Promise<Record<string, string>> {
  const { headers, stringToSign } = appSignaturePlan({
    appKey: input.credentials.keyId,
    method: input.method,
    path: input.path,
    ...(input.query ? { query: input.query } : {}),
    timestamp: input.now ?? Date.now(),
    nonce: input.nonce ?? crypto.randomUUID(),
    ...(input.body && input.body.length > 0 ? { bodyMd5: contentMd5Base64(input.body) } : {}),
  });
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(input.credentials.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(stringToSign));
  return { ...headers, 'x-ca-signature': base64(signature) };
}
