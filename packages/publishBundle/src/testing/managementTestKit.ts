import {
  createLogger,
  errorToHttpResponse,
  signApiGatewayRequest,
  writeJson,
  type HttpHandler,
  type HttpRequest,
  type ObjectStore,
} from '@hotpatch/common';
import {
  applyLogEntries,
  emptyCatalog,
  planRelease,
  storageKeys,
  type Actor,
  type Catalog,
  type ReleaseCandidate,
} from '@hotpatch/core';

/** Shared by publishBundle's handler tests: signed calls, release candidates and a seeded staging history. */
const testLogger = createLogger({ service: 'publishBundle', write: () => undefined });

/**
 * Calls the handler as FC would, with a request signed like the CLI signs it (by `key` with `secret`), and
 * errors mapped to responses as at the edge.
 */
export async function signedCall(
  handle: HttpHandler,
  signer: { key: string; secret: string },
  method: string,
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  const headers = signApiGatewayRequest({
    appKey: signer.key,
    appSecret: signer.secret,
    method,
    path,
    query,
    body: bytes,
  });
  const request: HttpRequest = { method, path, query, headers, body: bytes, pathParameters: {}, sourceIp: '127.0.0.1' };
  let response;
  try {
    response = await handle(request, {
      requestId: 'r',
      functionName: 'publishBundle',
      logger: testLogger,
      credentials: undefined,
    });
  } catch (error) {
    response = errorToHttpResponse(error, testLogger);
  }
  return { status: response.statusCode, body: JSON.parse(String(response.body)) };
}

/** A release candidate for a package with this hash, as uploadBundle would plan it. */
const releaseCandidate = (hash: string): ReleaseCandidate => ({
  packageHash: hash,
  archiveSha256: hash,
  contentKey: `packages/${hash}/package.zip`,
  contentKind: 'zip',
  manifestKey: undefined,
  size: 10,
  bundlePath: 'CodePush/main.jsbundle',
  targetBinaryRange: '1.x',
  description: `build ${hash}`,
  mandatory: false,
  rollout: 100,
  disabled: false,
  signed: false,
  uploadId: undefined,
});

/** Seeds `app`'s ios staging history (log entries and catalog) as uploadBundle would have written it. */
export async function seedStaging(store: ObjectStore, app: string, hashes: string[], actor?: Actor): Promise<void> {
  const deployment = { app, platform: 'ios' as const, channel: 'staging' };
  let catalog: Catalog = emptyCatalog(deployment);
  for (const hash of hashes) {
    const plan = planRelease(catalog, releaseCandidate(hash), '2026-11-27T00:00:00.000Z', 'uploadBundle', actor);
    if (plan.kind !== 'append') throw new Error('seed');
    await writeJson(store, storageKeys.logEntry(deployment, plan.entry.seq), plan.entry, { forbidOverwrite: true });
    catalog = applyLogEntries(catalog, [plan.entry]);
  }
  await writeJson(store, storageKeys.catalog(deployment), catalog);
}
