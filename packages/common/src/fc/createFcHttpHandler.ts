import { credentialsFromContext, type CredentialsSource } from '../config/createCredentialsSource';
import { ConfigError } from '../errors';
import { errorToHttpResponse } from '../http/jsonResponse';
import type { HttpHandler, HttpRequest, HttpResponse } from '../http/HttpRequest';
import type { Logger } from '../logging';
import type { FcContext } from './FcContext';
import { runInvocation } from './invocationScope';
import {
  isFc2HttpResponse,
  parseHttpEvent,
  readFc2HttpRequest,
  sendFc2HttpResponse,
  toFcHttpResponse,
  type Fc2HttpRequest,
  type Fc2HttpResponse,
  type FcHttpResponse,
} from './httpEvent';

export interface FcHttpHandlerOptions {
  functionName: string;
  logger: Logger;
  /** Receives each invocation's FC credentials. */
  credentials: CredentialsSource;
  /** Resolved once, on the first invocation (so a misconfiguration fails the request, visibly, not the import). */
  handle: () => HttpHandler;
}

/**
 * An HTTP function as FC calls it, whichever way: `(event, context)` with an API Gateway or FC 3.0 HTTP
 * trigger event (the response is returned), or FC 2.0's `(request, response, context)` (the response is
 * sent through `response`, and the promise resolves once it is).
 */
export interface FcHttpFunction {
  (event: unknown, context: FcContext): Promise<FcHttpResponse>;
  (request: Fc2HttpRequest, response: Fc2HttpResponse, context: FcContext): Promise<void>;
}

/**
 * Adapts an `HttpHandler` to every way FC delivers HTTP: API Gateway events, FC 3.0 HTTP trigger events, and
 * FC 2.0 HTTP triggers, which call the same exported handler with `(request, response, context)` (told apart
 * by the second argument being FC's response object). Per-invocation state (request id, cold-start flag, log
 * keys, credentials) is set in one place, the invocation's scope (`runInvocation`), so any number of
 * invocations can run in the instance at once; every error becomes a JSON response through `errorToHttpResponse`.
 * A configuration error is logged at error level, naming the variable, once per instance and variable.
 */
export function createFcHttpHandler(options: FcHttpHandlerOptions): FcHttpFunction {
  let coldStart = true;
  let handle: HttpHandler | undefined;
  const reportedVariables = new Set<string>();

  function serve(
    readRequest: () => HttpRequest | Promise<HttpRequest>,
    context: FcContext | undefined,
  ): Promise<HttpResponse> {
    const invocation = { requestId: context?.requestId ?? '', coldStart, credentials: credentialsFromContext(context) };
    coldStart = false;
    options.credentials.update(context);
    return runInvocation(invocation, () => serveInScope(readRequest, context));
  }

  async function serveInScope(
    readRequest: () => HttpRequest | Promise<HttpRequest>,
    context: FcContext | undefined,
  ): Promise<HttpResponse> {
    try {
      const request = await readRequest();
      options.logger.appendKeys({ method: request.method, path: request.path });
      handle ??= options.handle();
      const response = await handle(request, {
        requestId: context?.requestId ?? '',
        functionName: options.functionName,
        logger: options.logger,
        credentials: context?.credentials,
      });
      options.logger.info('request served', { status: response.statusCode });
      return response;
    } catch (error) {
      if (error instanceof ConfigError) {
        // The operator's first clue: an error line naming the variable, once per instance (not per request).
        if (!reportedVariables.has(error.variable)) {
          reportedVariables.add(error.variable);
          options.logger.error(`configuration error: ${error.message}`, { variable: error.variable });
        }
      }
      const response = errorToHttpResponse(error, options.logger);
      options.logger.info('request refused', {
        status: response.statusCode,
        ...(error instanceof ConfigError ? { variable: error.variable } : {}),
      });
      return response;
    }
  }

  // Declared with two parameters: FC's event runtimes treat the handler as async (promise-returning).
  async function fcHttpFunction(first: unknown, second: unknown): Promise<FcHttpResponse | void> {
    // eslint-disable-next-line prefer-rest-params
    const third: unknown = arguments[2];
    if (isFc2HttpResponse(second)) {
      const response = await serve(() => readFc2HttpRequest(first), third as FcContext | undefined);
      sendFc2HttpResponse(second, response);
      return;
    }
    return toFcHttpResponse(await serve(() => parseHttpEvent(first).request, second as FcContext | undefined));
  }
  return fcHttpFunction as FcHttpFunction;
}
