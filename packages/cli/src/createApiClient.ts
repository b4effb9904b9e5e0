import { signApiGatewayRequest } from '@hotpatch/common';
import type { ErrorBody } from '@hotpatch/core';
import { CliError } from './CliError';
import type { CliConfig } from './loadCliConfig';

export interface ApiClient {
  /** A request signed with the app key pair (publishBundle). */
  signed<T>(method: string, path: string, options?: { body?: unknown; query?: Record<string, string> }): Promise<T>;
  /** An unsigned GET (the public check API). */
  get<T>(path: string, query: Record<string, string>): Promise<T>;
  /** A signed GET that answers null on 404 (polling an upload's outcome). */
  signedOrNull<T>(path: string, query: Record<string, string>): Promise<T | null>;
}

/** The system error code behind a failed fetch (ECONNREFUSED, ENOTFOUND, …), wherever undici nests it. */
function networkReason(error: unknown): string {
  let current = error as { code?: unknown; cause?: unknown; errors?: unknown[]; message?: string } | undefined;
  let innermost = (error as Error).message;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (typeof current.code === 'string' && current.code.startsWith('E')) return current.code;
    if (current.message) innermost = current.message;
    current = (current.cause ?? current.errors?.[0]) as typeof current;
  }
  return innermost;
}

/** Talks JSON to the hotpatch API; every failure becomes a one-line `CliError` with the server's reason. */
export function createApiClient(config: CliConfig, fetchImpl: typeof fetch = fetch): ApiClient {
  async function send<T>(
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    sign: boolean,
    nullOn404: boolean,
  ): Promise<T | null> {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = sign
      ? signApiGatewayRequest({ appKey: config.appKey, appSecret: config.appSecret, method, path, query, body: bytes })
      : { accept: 'application/json' };
    const search = new URLSearchParams(query).toString();
    let response: Response;
    try {
      response = await fetchImpl(`${config.endpoint}${path}${search ? `?${search}` : ''}`, {
        method,
        headers,
        ...(bytes.length > 0 ? { body: bytes } : {}),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach ${config.endpoint}: ${networkReason(error)} (is the local stack running? npm start)`,
      );
    }
    const text = await response.text();
    if (nullOn404 && response.status === 404) return null;
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new CliError(`${method} ${path} answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      // Any failure body may come from something other than hotpatch (a proxy, the gateway): every field is optional.
      const error = (parsed as Partial<ErrorBody> | null)?.error as Partial<ErrorBody['error']> | undefined;
      throw new CliError(
        `${response.status} ${error?.code ?? response.statusText}: ${error?.message ?? text}${error?.parameter ? ` (parameter ${error.parameter})` : ''}`,
      );
    }
    return parsed as T;
  }
  return {
    signed: async (method, path, options = {}) =>
      (await send(method, path, options.query ?? {}, options.body, true, false))!,
    get: async (path, query) => (await send('GET', path, query, undefined, false, false))!,
    signedOrNull: (path, query) => send('GET', path, query, undefined, true, true),
  };
}
