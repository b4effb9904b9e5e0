import type { CredentialsSource } from '../config/createCredentialsSource';
import { errorToHttpResponse } from '../http/jsonResponse';
import type { HttpHandler } from '../http/HttpRequest';
import type { Logger } from '../logging';
import type { FcContext } from './FcContext';
import { parseHttpEvent, toFcHttpResponse, type FcHttpResponse } from './httpEvent';

export interface FcHttpHandlerOptions {
  functionName: string;
  logger: Logger;
  /** Receives each invocation's FC credentials. */
  credentials: CredentialsSource;
  /** Resolved once, on the first invocation (so a misconfiguration fails the request, visibly, not the import). */
  handle: () => HttpHandler;
}

/**
 * Adapts an `HttpHandler` to FC's event-function signature for API Gateway events and FC 3.0 HTTP trigger
 * events alike. Per-invocation state (request id, cold-start flag, log keys, credentials) is set in one place;
 * every error becomes a JSON response through `errorToHttpResponse`.
 */
export function createFcHttpHandler(options: FcHttpHandlerOptions): (event: unknown, context: FcContext) => Promise<FcHttpResponse> {
  let coldStart = true;
  let handle: HttpHandler | undefined;
  return async (event, context) => {
    options.logger.startInvocation({ requestId: context?.requestId ?? '', coldStart });
    coldStart = false;
    options.credentials.update(context);
    try {
      const { request } = parseHttpEvent(event);
      options.logger.appendKeys({ method: request.method, path: request.path });
      handle ??= options.handle();
      const response = await handle(request, { requestId: context?.requestId ?? '', functionName: options.functionName, logger: options.logger, credentials: context?.credentials });
      options.logger.info('request served', { status: response.statusCode });
      return toFcHttpResponse(response);
    } catch (error) {
      const response = errorToHttpResponse(error, options.logger);
      options.logger.info('request refused', { status: response.statusCode });
      return toFcHttpResponse(response);
    }
  };
}
