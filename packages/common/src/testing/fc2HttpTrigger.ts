import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { FcContext } from '../fc/FcContext';
import type { Fc2HttpRequest, Fc2HttpResponse } from '../fc/httpEvent';
import { fcContext } from './fcEvents';

/** Request headers FC 2.0 never passes to a function. */
const DROPPED_REQUEST_HEADERS = /^(?:connection|keep-alive|x-fc-.*)$/i;
/** Response headers FC 2.0 ignores when a function sets them. */
const IGNORED_RESPONSE_HEADERS = /^(?:connection|content-length|date|keep-alive|server|upgrade|x-fc-.*)$/i;

export interface Fc2HttpTrigger {
  /** The trigger's URL, FC 2.0's default form: `<origin>/2016-08-15/proxy/<service>/<function>`. */
  url: string;
  close(): Promise<void>;
}

/**
 * An FC 2.0 HTTP trigger on loopback (port 0): each request reaches `handler(request, response, context)`
 * as FC 2.0's Node.js runtime delivers it — the real `http.IncomingMessage` (its body a stream, read with
 * `getRawBody(request)` in FC's samples) with `path` (after the function), `queries` (repeated → array),
 * `method`, `clientIP` and `url` added, and, with `bodyField` (the Node.js 18+ runtimes), `body` as a
 * Buffer too; `response` has `setStatusCode`, `setHeader`, `deleteHeader` and `send`.
 */
export async function startFc2HttpTrigger(
  handler: (request: Fc2HttpRequest, response: Fc2HttpResponse, context: FcContext) => unknown,
  options: { service?: string; functionName?: string; bodyField?: boolean; context?: () => FcContext } = {},
): Promise<Fc2HttpTrigger> {
  const prefix = `/2016-08-15/proxy/${options.service ?? 'hotpatch'}/${options.functionName ?? 'function'}`;

  async function invoke(request: IncomingMessage, raw: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fc');
    if (!url.pathname.startsWith(prefix)) {
      raw.writeHead(404, { 'Content-Type': 'application/json' }).end('{"ErrorCode":"FunctionNotFound"}');
      return;
    }
    const queries: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const seen = queries[name];
      queries[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    for (const name of Object.keys(request.headers))
      if (DROPPED_REQUEST_HEADERS.test(name)) delete request.headers[name];
    const fcRequest = Object.assign(request, {
      path: url.pathname.slice(prefix.length) || '/',
      queries,
      clientIP: request.socket.remoteAddress ?? '',
    });
    if (options.bodyField) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      Object.assign(fcRequest, { body: Buffer.concat(chunks) });
    }

    let statusCode = 200;
    const headers: Record<string, string> = {};
    let sent = false;
    const response: Fc2HttpResponse = {
      setStatusCode: (code) => {
        statusCode = code;
      },
      setHeader: (name, value) => {
        if (!IGNORED_RESPONSE_HEADERS.test(name)) headers[name] = value;
      },
      deleteHeader: (name) => {
        delete headers[name];
      },
      send: (body) => {
        sent = true;
        raw.writeHead(statusCode, headers);
        if (body instanceof Readable) body.pipe(raw);
        else raw.end(body as Buffer | string);
      },
    };
    try {
      await handler(fcRequest as Fc2HttpRequest, response, options.context?.() ?? fcContext());
    } catch (error) {
      if (!sent)
        raw
          .writeHead(502, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ ErrorCode: 'UnhandledInvocationError', ErrorMessage: String(error) }));
      return;
    }
    // FC would wait for send() until the function times out; a test wants to know at once.
    if (!sent)
      raw.writeHead(502, { 'Content-Type': 'application/json' }).end('{"ErrorCode":"FunctionReturnedWithoutSend"}');
  }

  const server = createServer((request, raw) => void invoke(request, raw));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
