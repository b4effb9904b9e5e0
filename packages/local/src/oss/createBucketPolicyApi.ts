import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { OssRequestError } from './OssRequestError';
import { toXml } from './ossXml';

/** OSS's limit on a bucket policy document. */
const MAX_POLICY_BYTES = 16 * 1024;

export interface BucketPolicyApi {
  /** GetBucketAcl, and Get/Put/DeleteBucketPolicy on a bucket (signed requests only; the server checked that). */
  handle(
    bucket: { name: string; publicRead: boolean },
    method: string,
    query: URLSearchParams,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void>;
}

async function readPolicyBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_POLICY_BYTES)
      throw new OssRequestError(
        400,
        'InvalidPolicyDocument',
        `The policy document is larger than ${MAX_POLICY_BYTES} bytes.`,
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isStringList = (value: unknown): boolean =>
  Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string');

/** The checks OSS makes before storing a policy: JSON, version 1, and each statement's required fields. */
function validatePolicy(text: string): void {
  let document: { Version?: unknown; Statement?: unknown };
  try {
    document = JSON.parse(text) as typeof document;
  } catch {
    throw new OssRequestError(400, 'InvalidPolicyDocument', 'The policy document is not valid JSON.');
  }
  if (document?.Version !== '1' || !Array.isArray(document.Statement) || document.Statement.length === 0) {
    throw new OssRequestError(
      400,
      'InvalidPolicyDocument',
      'The policy document needs "Version": "1" and a non-empty "Statement" list.',
    );
  }
  for (const statement of document.Statement as Record<string, unknown>[]) {
    if (
      !['Allow', 'Deny'].includes(String(statement?.Effect)) ||
      !isStringList(statement.Action) ||
      !isStringList(statement.Resource) ||
      !isStringList(statement.Principal)
    ) {
      throw new OssRequestError(
        400,
        'InvalidPolicyDocument',
        'Each statement needs Effect (Allow or Deny) and non-empty Action, Resource and Principal lists.',
      );
    }
  }
}

/**
 * The bucket ACL and bucket policy APIs of the local OSS server, so that `hotpatch deploy` can plan and apply
 * its bucket policy against it as against OSS. Policies are kept as files under `<dataDir>/oss-policies/`.
 * The ACL is the bucket's configured one (`public-read` or `private`); PutBucketAcl is not offered.
 */
export function createBucketPolicyApi(dataDir: string): BucketPolicyApi {
  const directory = path.join(dataDir, 'oss-policies');
  const file = (bucket: string): string => path.join(directory, `${bucket}.json`);
  const stored = (bucket: string): string | undefined => {
    try {
      return readFileSync(file(bucket), 'utf8');
    } catch {
      return undefined;
    }
  };
  const send = (response: ServerResponse, status: number, contentType: string | undefined, body = ''): void => {
    response.writeHead(status, {
      ...(contentType ? { 'Content-Type': contentType } : {}),
      'Content-Length': String(Buffer.byteLength(body)),
    });
    response.end(body);
  };

  return {
    async handle(bucket, method, query, request, response) {
      if (method === 'GET' && query.has('acl')) {
        const acl = bucket.publicRead ? 'public-read' : 'private';
        return send(
          response,
          200,
          'application/xml',
          toXml('AccessControlPolicy', {
            Owner: { ID: 'hotpatch-local', DisplayName: 'hotpatch-local' },
            AccessControlList: { Grant: acl },
          }),
        );
      }
      if (method === 'GET') {
        const policy = stored(bucket.name);
        if (policy === undefined)
          throw new OssRequestError(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist.', {
            BucketName: bucket.name,
          });
        return send(response, 200, 'application/json', policy);
      }
      if (method === 'PUT') {
        const text = await readPolicyBody(request);
        validatePolicy(text);
        mkdirSync(directory, { recursive: true });
        writeFileSync(file(bucket.name), text);
        return send(response, 200, undefined);
      }
      if (method === 'DELETE') {
        rmSync(file(bucket.name), { force: true });
        return send(response, 204, undefined);
      }
      throw new OssRequestError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    },
  };
}
