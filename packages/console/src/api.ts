import { signRequest, type Credentials } from './signRequest';

/** A refused or failed call, with the sentence the page shows for it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The sentence a user reads for a refusal: the server's messages are precise but written for the API; the
 * usual sign-in and access problems get words that say what to do.
 */
function explainFailure(status: number, code: string, serverMessage: string): string {
  if (status === 401) {
    if (/timestamp/i.test(serverMessage))
      return `This computer's clock is more than 15 minutes away from the server's: set the clock right and sign in again. (${serverMessage})`;
    if (/unknown|not a management key/i.test(serverMessage))
      return `The server does not know this key id: check the key id. (${serverMessage})`;
    if (/signature/i.test(serverMessage))
      return `Wrong secret for this key id: the server refused the signature. (${serverMessage})`;
    return `Not signed in: ${serverMessage}`;
  }
  if (status === 403) return `This key may not do that: ${serverMessage}`;
  if (status === 503)
    return `Storage is unavailable right now (the function cannot reach its bucket); try again shortly.`;
  if (status === 404) return `Not found: ${serverMessage}`;
  if (status === 409) return `Refused: ${serverMessage}`;
  if (status === 400) return `Invalid input: ${serverMessage}`;
  return `The server answered ${status} ${code}: ${serverMessage}`;
}

export interface Api {
  call<T>(method: string, path: string, options?: { query?: Record<string, string>; body?: unknown }): Promise<T>;
}

/**
 * Signed calls to the management API on the console's own origin: `base` is the path the API lives under
 * (empty at the root of a domain), so the console works wherever publishBundle is mounted.
 */
export function createApi(credentials: Credentials, base: string): Api {
  return {
    async call<T>(method: string, path: string, options: { query?: Record<string, string>; body?: unknown } = {}) {
      const fullPath = `${base}${path}`;
      const body = options.body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(options.body));
      const headers = await signRequest({
        credentials,
        method,
        path: fullPath,
        ...(options.query ? { query: options.query } : {}),
        ...(body ? { body } : {}),
      });
      const search = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
      let response: Response;
      try {
        response = await fetch(`${fullPath}${search}`, {
          method,
          headers,
          ...(body ? { body: body as BufferSource } : {}),
        });
      } catch {
        throw new ApiError(0, 'NetworkError', 'The server cannot be reached: check the connection and try again.');
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (!response.ok) {
        const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
        const code = error?.code ?? 'Error';
        throw new ApiError(response.status, code, explainFailure(response.status, code, error?.message ?? text));
      }
      return json as T;
    },
  };
}
