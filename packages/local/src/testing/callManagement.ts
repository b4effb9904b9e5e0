import { signApiGatewayRequest } from '@hotpatch/common';
import { DEV_APP_KEY } from '../loadLocalStackSettings';

/**
 * A signed publishBundle call against a test stack, as the CLI makes it (the stack's dev app key): the parsed
 * JSON answer, or an error naming the route, status and body when the answer is not 2xx.
 */
export async function callManagement(apiUrl: string, method: string, urlPath: string, body?: unknown): Promise<any> {
  const bytes = Buffer.from(body === undefined ? '' : JSON.stringify(body));
  const headers = signApiGatewayRequest({
    appKey: DEV_APP_KEY.key,
    appSecret: DEV_APP_KEY.secret,
    method,
    path: urlPath,
    body: bytes,
  });
  const response = await fetch(`${apiUrl}${urlPath}`, {
    method,
    headers,
    ...(bytes.length > 0 ? { body: bytes } : {}),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}
