import type { Logger } from '../logging';
import type { OssCredentials } from '../signing/ossV1Signature';

/** An HTTP request as every hotpatch handler sees it, whichever FC trigger or gateway delivered it. */
export interface HttpRequest {
  method: string;
  /** Decoded path, e.g. `/v1/check`. */
  path: string;
  /** Query parameters; a repeated parameter keeps its first value. */
  query: Record<string, string>;
  /** Header names lower-cased; repeated headers joined with commas. */
  headers: Record<string, string>;
  body: Buffer;
  /** Filled by the router from `:name` segments of the matched route. */
  pathParameters: Record<string, string>;
  sourceIp: string;
  /** The management key behind the request (the client's app key, or the one API Gateway names in gateway mode), set by authentication before routing. */
  principal?: string;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** What a handler knows of the invocation it serves. */
export interface InvocationContext {
  requestId: string;
  functionName: string;
  logger: Logger;
  /** STS credentials of the function's role (FC `context.credentials`), when FC gives them. */
  credentials: OssCredentials | undefined;
}

/** The one HTTP handler signature: adapted to API Gateway events, FC 3.0 and FC 2.0 HTTP triggers and the local front. */
export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponse>;
