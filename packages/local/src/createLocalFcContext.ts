import type { FcContext, OssCredentials } from '@hotpatch/common';

/** The `context` FC would pass: the request id, the "function role" credentials, names and region. */
export function createLocalFcContext(
  requestId: string,
  functionName: string,
  credentials: OssCredentials,
  region: string,
  accountId: string,
): FcContext {
  return {
    requestId,
    credentials: { ...credentials },
    function: { name: functionName, handler: 'index.handler', memory: 256, timeout: 60 },
    service: { name: 'hotpatch', qualifier: 'LATEST', versionId: 'local' },
    region: region.replace(/^oss-/, ''),
    accountId,
  };
}
