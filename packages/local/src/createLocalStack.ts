import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  createAppRegistry,
  createLogger,
  createOssStore,
  type AppRegistry,
  type Env,
  type Logger,
  readTimerSeconds,
  type OssCredentials,
} from '@hotpatch/common';
import { publicReadPrefixes } from '@hotpatch/core';
import {
  createGetLatestBundleFunction,
  FUNCTION_NAME as GET_LATEST_BUNDLE,
  routes as getLatestBundleRoutes,
} from '@hotpatch/get-latest-bundle';
import {
  consoleRoutes,
  createPublishBundleFunction,
  FUNCTION_NAME as PUBLISH_BUNDLE,
  routes as publishBundleRoutes,
} from '@hotpatch/publish-bundle';
import {
  createUploadBundleFunction,
  FUNCTION_NAME as UPLOAD_BUNDLE,
  loadUploadConfig,
  ossTrigger as uploadBundleTrigger,
} from '@hotpatch/upload-bundle';
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
  /** Bind address of both servers (default `127.0.0.1`; `0.0.0.0` for a LAN or an emulator). */
  host?: string;
  /**
   * The host or IP devices reach this machine by (e.g. `10.0.2.2` from the Android emulator): download links
   * and the printed endpoints use it with the stack's ports. Default: the bind address, or `127.0.0.1` when
   * bound to every interface.
   */
  publicHost?: string;
  /**
   * The operator's environment (`npm start` gives `process.env`): every `HOTPATCH_*` variable in it reaches the
   * functions, except those the stack sets itself (where storage is and how it is reached).
   */
  settingsEnv?: Env;
  /** Extra environment for the functions, over everything else (tests). */
  functionEnv?: Env;
}

/**
 * Function settings that differ from production on a developer machine: a change is visible at the next check
 * (each check revalidates the catalog with a conditional GET, cheap on loopback), and only warnings are logged.
 */
const LOCAL_FUNCTION_DEFAULTS: Env = { HOTPATCH_CATALOG_TTL_SECONDS: '0', HOTPATCH_LOG_LEVEL: 'warn' };

/** How FC calls a function for its time trigger: the event bytes and the context. */
type TimerEntry = (event: Buffer, context: ReturnType<typeof createLocalFcContext>) => Promise<unknown>;

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/** `host:port` as it goes into a URL (IPv6 in brackets). */
function urlFor(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return `http://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

/** The operator's `HOTPATCH_*` settings, minus the names the stack sets itself. */
function passedThrough(settingsEnv: Env, owned: Env): Env {
  return Object.fromEntries(
    Object.entries(settingsEnv).filter(
      ([name, value]) => name.startsWith('HOTPATCH_') && !(name in owned) && value !== undefined,
    ),
  );
}

export interface LocalStack {
  /** The API front and the OSS server as this machine reaches them. */
  apiUrl: string;
  ossUrl: string;
  /** The same as devices reach them (`publicHost`): what download links and the printed endpoints use. */
  publicApiUrl: string;
  publicOssUrl: string;
  /** The prefix the OSS trigger watches, from the functions' `HOTPATCH_UPLOAD_PREFIX`. */
  uploadPrefix: string;
  bucket: string;
  dataDir: string;
  oss: OssServer;
  triggers: OssTriggerDispatcher;
  /** The environment the functions run with: what an FC deployment would set. */
  functionEnv: Env;
  /** The timer's period (`HOTPATCH_TIMER_SECONDS`, default 60). */
  timerSeconds: number;
  /** Runs the timer now (and waits for it), as the period would: publishBundle's timer entry point. */
  runTimer(): Promise<unknown>;
  /** Timer runs finished so far (periodic and `runTimer`), one at a time. */
  readonly timerRunsCompleted: number;
  /** The app registry, read and written through OSS as the functions do (registers `HOTPATCH_APPS` at start). */
  registry: AppRegistry;
  close(): Promise<void>;
}

/**
 * The whole of hotpatch on one machine: an OSS-protocol server on the filesystem (private bucket whose content
 * prefixes are anonymously readable, signed writes), firing OSS trigger events, and an API-Gateway-style front routing to the functions. The functions
 * are the production handlers, configured through environment variables as on FC, reading OSS with hotpatch's own signed OSS client.
 */
export async function createLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const region = options.region ?? 'oss-cn-hangzhou';
  const accountId = options.accountId ?? '1000000000000000';
  const logger = options.logger ?? createLogger({ service: 'local', level: 'info' });
  const host = (options.host ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  // Bound to every interface, this machine still reaches the servers on loopback.
  const localHost = WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host;
  const publicHost = options.publicHost ?? localHost;
  const triggers = createOssTriggerDispatcher({
    logger,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
  });
  const oss = await createOssServer({
    dataDir: path.resolve(options.dataDir),
    // As production: bucket ACL private, anonymous reads of content prefixes only (the bucket policy's list).
    buckets: [{ name: options.bucket, publicRead: false, anonymousReadPrefixes: publicReadPrefixes }],
    credentials: [options.credentials],
    port: options.ossPort,
    host,
    // Devices send `Host: <publicHost>:<port>`: a name of this server, so the bucket is in the path.
    hostnames: [publicHost.replace(/^\[|\]$/g, '')],
    region,
    accountId,
    triggers,
    logger,
  });
  const ossUrl = urlFor(localHost, oss.port);
  const publicOssUrl = urlFor(publicHost, oss.port);

  // What a deployment would set; the operator's settings cannot move storage away from this stack.
  const owned: Env = {
    HOTPATCH_STORAGE: 'oss',
    HOTPATCH_OSS_BUCKET: options.bucket,
    HOTPATCH_OSS_REGION: region,
    HOTPATCH_OSS_ENDPOINT: ossUrl,
    HOTPATCH_DOWNLOAD_BASE_URL: `${publicOssUrl}/${options.bucket}`,
    HOTPATCH_APP_KEYS: `${options.appKey.key}:${options.appKey.secret}`,
  };
  const functionEnv: Env = {
    ...LOCAL_FUNCTION_DEFAULTS,
    ...passedThrough(options.settingsEnv ?? {}, owned),
    ...owned,
    ...options.functionEnv,
  };
  let uploadPrefix: string;
  let timerSeconds: number;
  try {
    // The trigger watches the prefix uploadBundle accepts: one setting, read by uploadBundle's own loader.
    uploadPrefix = loadUploadConfig(functionEnv).uploadPrefix;
    timerSeconds = readTimerSeconds(functionEnv);
  } catch (error) {
    await oss.close();
    throw error;
  }
  const contextFor = (name: string) => (requestId: string) =>
    createLocalFcContext(requestId, name, options.credentials, region, accountId);

  const uploadBundle = createUploadBundleFunction(functionEnv);
  triggers.register({
    functionName: UPLOAD_BUNDLE,
    bucket: options.bucket,
    events: [...uploadBundleTrigger.events],
    prefix: uploadPrefix,
    invoke: (event) => uploadBundle(event, contextFor(UPLOAD_BUNDLE)(randomUUID())),
  });

  const publishBundle = createPublishBundleFunction(functionEnv);
  let gateway: ApiGateway;
  try {
    gateway = await createApiGateway({
      logger,
      port: options.port,
      host,
      functions: [
        {
          name: GET_LATEST_BUNDLE,
          routes: getLatestBundleRoutes,
          handler: createGetLatestBundleFunction(functionEnv),
          context: contextFor(GET_LATEST_BUNDLE),
        },
        {
          name: PUBLISH_BUNDLE,
          routes: [...publishBundleRoutes, ...consoleRoutes],
          handler: publishBundle,
          context: contextFor(PUBLISH_BUNDLE),
        },
      ],
    });
  } catch (error) {
    await oss.close();
    throw error;
  }

  // The API's public URL, known once the front listens (getLatestBundle builds its handler on the first request):
  // Expo launch assets are served through it, so devices can get patches.
  functionEnv.HOTPATCH_API_URL ??= urlFor(publicHost, gateway.port);

  // The FC time trigger of production: publishBundle's timer entry point (fold, auto-halt) with FC's event.
  let timerRun: Promise<unknown> = Promise.resolve();
  let timerRunsCompleted = 0;
  const runTimer = (): Promise<unknown> => {
    const event = Buffer.from(
      JSON.stringify({ triggerTime: new Date().toISOString(), triggerName: 'fold', payload: '' }),
    );
    timerRun = timerRun
      .then(() => (publishBundle as unknown as TimerEntry)(event, contextFor(PUBLISH_BUNDLE)(randomUUID())))
      .catch((error: unknown) => logger.warn('timer run failed', { error }))
      .finally(() => (timerRunsCompleted += 1));
    return timerRun;
  };
  const timer = setInterval(() => void runTimer(), timerSeconds * 1000);
  timer.unref();

  return {
    apiUrl: urlFor(localHost, gateway.port),
    ossUrl,
    publicApiUrl: urlFor(publicHost, gateway.port),
    publicOssUrl,
    uploadPrefix,
    bucket: options.bucket,
    dataDir: path.resolve(options.dataDir),
    oss,
    triggers,
    functionEnv,
    timerSeconds,
    runTimer,
    get timerRunsCompleted() {
      return timerRunsCompleted;
    },
    registry: createAppRegistry(
      createOssStore({
        bucket: options.bucket,
        endpoint: ossUrl,
        credentials: () => options.credentials,
        downloadUrl: { mode: 'public', baseUrl: functionEnv.HOTPATCH_DOWNLOAD_BASE_URL! },
      }),
    ),
    async close() {
      clearInterval(timer);
      await timerRun;
      await gateway.close();
      await triggers.idle();
      await oss.close();
    },
  };
}
