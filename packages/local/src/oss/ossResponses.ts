import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OssRequestError } from './OssRequestError';
import { toXml } from './ossXml';

// How the local OSS server writes its answers: bodies with an exact Content-Length, XML results and XML errors.

const ERROR_EC: Record<string, string> = {
  FileAlreadyExists: '0026-00000201',
  NoSuchKey: '0026-00000001',
  NoSuchBucket: '0015-00000101',
  SignatureDoesNotMatch: '0002-00000040',
  InvalidAccessKeyId: '0002-00000902',
  AccessDenied: '0003-00000001',
  NotImplemented: '0017-00000245',
};

export function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: string | Buffer,
): void {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  response.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
  response.end(bytes);
}

export const sendXml = (response: ServerResponse, status: number, root: string, content: unknown): void =>
  send(response, status, { 'Content-Type': 'application/xml' }, toXml(root, content));

/** OSS's XML error body with its `EC` code (no body for HEAD, as OSS). */
export function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  error: OssRequestError,
  requestId: string,
): void {
  const ec = ERROR_EC[error.code] ?? '0000-00000000';
  const body = toXml('Error', {
    Code: error.code,
    Message: error.message,
    RequestId: requestId,
    HostId: request.headers.host ?? 'localhost',
    ...error.details,
    EC: ec,
  });
  response.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'x-oss-ec': ec,
    'Content-Length': request.method === 'HEAD' ? '0' : String(Buffer.byteLength(body)),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
