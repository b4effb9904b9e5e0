import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createAppRegistry, createLogger, createOssStore, type AppRegistry, type Env, type Logger, type OssCredentials } from '@hotpatch/common';
import { publicReadPrefixes } from '@hotpatch/core';
import { createGetLatestBundleFunction, FUNCTION_NAME as GET_LATEST_BUNDLE, routes as getLatestBundleRoutes } from '@hotpatch/get-latest-bundle';
import { createPublishBundleFunction, FUNCTION_NAME as PUBLISH_BUNDLE, routes as publishBundleRoutes } from '@hotpatch/publish-bundle';
import { createUploadBundleFunction, FUNCTION_NAME as UPLOAD_BUNDLE, ossTrigger as uploadBundleTrigger } from '@hotpatch/upload-bundle';
import { createApiGateway, type ApiGateway } from './gateway/createApiGateway';
import { createLocalFcContext } from './createLocalFcContext';
import { createOssServer, type OssServer } from './oss/createOssServer';
import { createOssTriggerDispatcher, type OssTriggerDispatcher } from './triggers/createOssTriggerDispatcher';

export interface LocalStackOptions {
  dataDir: string;
  /** API front port (0 = any free port). */
  port: number;
  /** OSS server port (0 = any free port). */
  ossPort: number;
  bucket: string;
  credentials: OssCredentials;
  /** The API Gateway app key pair publishBundle accepts. */
  appKey: { key: string; secret: string };
  region?: string;
  accountId?: string;
  logger?: Logger;
  /** Waits between retries of a failed OSS trigger invocation (FC-like by default). */
  retryDelaysMs?: number[];
  /** Extra environment for the functions (e.g. `HOTPATCH_CATALOG_TTL_SECONDS`). */
  functionEnv?: Env;
}

export interface LocalStack {
  apiUrl: string;
  ossUrl: string;
  bucket: string;
  dataDir: string;
  oss: OssServer;
  triggers: OssTriggerDispatcher;
  /** The environment the functions run with: what an FC deployment would set. */
  functionEnv: Env;
  /** The app registry, read and written through OSS like the functions do (until publishBundle manages apps). */
  registry: AppRegistry;
  close(): Promise<void>;
}

/**
 * The whole of hotpatch on one machine: an OSS-protocol server on the filesystem (private bucket whose content
 * prefixes are anonymously readable, signed writes), firing OSS trigger events, and an API-Gateway-style front routing to the functions. The functions
 * are the production handlers, configured through environment variables as on FC, reading OSS with ali-oss.
 */
export async function createLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const region = options.region ?? 'oss-cn-hangzhou';
  const accountId = options.accountId ?? '1000000000000000';
  const logger = options.logger ?? createLogger({ service: 'local', level: 'info' });
  const triggers = createOssTriggerDispatcher({ logger, ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}) });
  const oss = await createOssServer({
    dataDir: path.resolve(options.dataDir),
    // As production: bucket ACL private, anonymous reads of content prefixes only (the bucket policy's list).
    buckets: [{ name: options.bucket, publicRead: false, anonymousReadPrefixes: publicReadPrefixes }],
    credentials: [options.credentials],
    port: options.ossPort,
    region,
    accountId,
    triggers,
    logger,
  });

  const functionEnv: Env = {
    HOTPATCH_STORAGE: 'oss',
    HOTPATCH_OSS_BUCKET: options.bucket,
    HOTPATCH_OSS_REGION: region,
    HOTPATCH_OSS_ENDPOINT: oss.url,
    HOTPATCH_DOWNLOAD_MODE: 'public',
    HOTPATCH_DOWNLOAD_BASE_URL: `${oss.url}/${options.bucket}`,
    HOTPATCH_LOG_LEVEL: process.env.HOTPATCH_LOG_LEVEL ?? 'warn',
    HOTPATCH_APP_KEYS: `${options.appKey.key}:${options.appKey.secret}`,
    ...options.functionEnv,
  };
  const contextFor = (name: string) => (requestId: string) => createLocalFcContext(requestId, name, options.credentials, region, accountId);

  const uploadBundle = createUploadBundleFunction(functionEnv);
  triggers.register({
    functionName: UPLOAD_BUNDLE,
    bucket: options.bucket,
    events: [...uploadBundleTrigger.events],
    prefix: uploadBundleTrigger.prefix,
    invoke: (event) => uploadBundle(event, contextFor(UPLOAD_BUNDLE)(randomUUID())),
  });

  let gateway: ApiGateway;
  try {
    gateway = await createApiGateway({
      logger,
      port: options.port,
      functions: [
        { name: GET_LATEST_BUNDLE, routes: getLatestBundleRoutes, handler: createGetLatestBundleFunction(functionEnv), context: contextFor(GET_LATEST_BUNDLE) },
        { name: PUBLISH_BUNDLE, routes: publishBundleRoutes, handler: createPublishBundleFunction(functionEnv), context: contextFor(PUBLISH_BUNDLE) },
      ],
    });
  } catch (error) {
    await oss.close();
    throw error;
  }

  return {
    apiUrl: gateway.url,
    ossUrl: oss.url,
    bucket: options.bucket,
    dataDir: path.resolve(options.dataDir),
    oss,
    triggers,
    functionEnv,
    registry: createAppRegistry(createOssStore({ bucket: options.bucket, endpoint: oss.url, credentials: () => options.credentials, downloadUrl: { mode: 'public', baseUrl: functionEnv.HOTPATCH_DOWNLOAD_BASE_URL! } })),
    async close() {
      await gateway.close();
      await triggers.idle();
      await oss.close();
    },
  };
}
