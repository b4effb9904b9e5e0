import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

export interface FakeFc {
  url: string;
  calls: RecordedCall[];
  /** Resources by path (`/services/hotpatch/functions/getLatestBundle`), as FC would return them. */
  resources: Map<string, Record<string, unknown>>;
  /** Paths whose GET answers NotFound although they exist: the "created meanwhile" race. */
  hiddenFromGet: Set<string>;
  close(): Promise<void>;
}

const VERSION = '/2016-08-15';

/** FC's V1 string to sign, as the fc2 SDK composes it (docs/protocols/aliyun.md §5). */
function expectedSignature(request: IncomingMessage, secret: string): string {
  const headers = request.headers as Record<string, string>;
  const fcHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-fc-'))
    .sort()
    .map((name) => `${name}:${headers[name]}\n`)
    .join('');
  const path = (request.url ?? '').split('?')[0]!;
  const stringToSign = `${request.method}\n${headers['content-md5'] ?? ''}\n${headers['content-type'] ?? ''}\n${headers.date}\n${fcHeaders}${path}`;
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * A local stand-in for the FC 2.0 API that the real fc2 client talks to: checks its signature and body
 * integrity, records each call, and answers like FC (JSON bodies, `ServiceNotFound`, `FunctionAlreadyExists`…).
 */
export async function startFakeFc(credentials: { accessKeyId: string; accessKeySecret: string }): Promise<FakeFc> {
  const calls: RecordedCall[] = [];
  const resources = new Map<string, Record<string, unknown>>();
  const hiddenFromGet = new Set<string>();

  const answer = (response: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'Content-Type': 'application/json',
      'x-fc-request-id': randomUUID(),
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  };
  const error = (response: ServerResponse, status: number, code: string, message: string): void =>
    answer(response, status, { ErrorCode: code, ErrorMessage: message });

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `FC ${credentials.accessKeyId}:${expectedSignature(request, credentials.accessKeySecret)}`) {
      return error(
        response,
        403,
        'SignatureNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    // fc2's quirk: Content-MD5 is Base64 of the hex MD5 string.
    if (
      raw.length > 0 &&
      request.headers['content-md5'] !== Buffer.from(createHash('md5').update(raw).digest('hex')).toString('base64')
    ) {
      return error(response, 400, 'InvalidArgument', 'Content-MD5 does not match the body');
    }
    const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined;
    const path = (request.url ?? '').split('?')[0]!.slice(VERSION.length);
    calls.push({ method: request.method ?? 'GET', path, body });

    const kind = /\/triggers(\/|$)/.test(path) ? 'Trigger' : /\/functions(\/|$)/.test(path) ? 'Function' : 'Service';
    const nameField = kind === 'Trigger' ? 'triggerName' : kind === 'Function' ? 'functionName' : 'serviceName';
    const stored = (value: Record<string, unknown>): Record<string, unknown> => {
      const { code, ...rest } = value as { code?: { zipFile?: string } };
      return code?.zipFile ? { ...rest, codeSize: Buffer.from(code.zipFile, 'base64').length } : rest;
    };

    if (request.method === 'GET') {
      const resource = resources.get(path);
      if (!resource || hiddenFromGet.has(path))
        return error(response, 404, `${kind}NotFound`, `${kind} ${path} not found`);
      return answer(response, 200, resource);
    }
    if (request.method === 'POST') {
      const target = `${path}/${String(body?.[nameField])}`;
      if (resources.has(target))
        return error(response, 409, `${kind}AlreadyExists`, `${kind} ${target} already exists`);
      const created = {
        ...stored(body ?? {}),
        createdTime: new Date().toISOString(),
        lastModifiedTime: new Date().toISOString(),
      };
      resources.set(target, created);
      return answer(response, 200, created);
    }
    if (request.method === 'PUT') {
      const existing = resources.get(path);
      if (!existing) return error(response, 404, `${kind}NotFound`, `${kind} ${path} not found`);
      const updated = { ...existing, ...stored(body ?? {}), lastModifiedTime: new Date().toISOString() };
      resources.set(path, updated);
      return answer(response, 200, updated);
    }
    if (request.method === 'DELETE') {
      if (!resources.delete(path)) return error(response, 404, `${kind}NotFound`, `${kind} ${path} not found`);
      response.writeHead(204, { 'x-fc-request-id': randomUUID() });
      response.end();
      return;
    }
    return error(response, 405, 'MethodNotAllowed', `${request.method} is not supported here`);
  };
  const server = createServer((request, response) => void serve(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    resources,
    hiddenFromGet,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
