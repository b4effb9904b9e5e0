import {
  createDeclaredRouter,
  DEFAULT_TIMER_SECONDS,
  type HttpHandler,
  type Logger,
  type ObjectStore,
} from '@hotpatch/common';
import {
  createExpoSignalMemory,
  parseAppRecord,
  parseCatalog,
  parseDeploymentRef,
  prepareCatalog,
  SATISFYING_MEMO_LIMITS,
  type AppRecord,
  type DeploymentRef,
  type PreparedCatalog,
} from '@hotpatch/core';
import { handleCodePushDeployReport, handleCodePushDownloadReport, handleCodePushUpdateCheck } from './handleCodePush';
import {
  createRevalidatingCache,
  type RevalidatingCache,
  type RevalidatingCacheLimits,
} from './createRevalidatingCache';
import { createSignalBuffer, type SignalBuffer } from './createSignalBuffer';
import { handleCheck } from './handleCheck';
import { handleExpoAsset } from './handleExpoAsset';
import { handleExpoManifest, type ExpoDependencies } from './handleExpoManifest';
import { createExpoResponder, type ExpoResponder } from './expoResponses';
import { handleHealth } from './handleHealth';
import { createCatalogSource } from './registeredCatalog';
import type { CheckConfig } from './loadCheckConfig';
import { routes } from './routes';

const MiB = 1024 * 1024;

/**
 * The bounds of a warm instance's caches (the function has 256 MB): every key comes from anonymous requests,
 * so each cache is an LRU bounded in entries and bytes, and absences live apart, briefly. With the Expo caches
 * and the signal memory they stay under half the function's memory (`cacheBudget.test.ts`): the rest is for
 * requests in flight, the runtime and the heap's slack.
 */
export const CHECK_CACHE_LIMITS = {
  catalogs: { found: { maxEntries: 2000, maxBytes: 64 * MiB }, misses: { maxEntries: 5000, maxBytes: 2 * MiB } },
  apps: { found: { maxEntries: 1000, maxBytes: 8 * MiB }, misses: { maxEntries: 5000, maxBytes: 2 * MiB } },
  deploymentKeys: { found: { maxEntries: 5000, maxBytes: 4 * MiB }, misses: { maxEntries: 5000, maxBytes: 2 * MiB } },
  /** Sealed Expo signing keys (a few KB each), one per app that signs. */
  expoKeys: { found: { maxEntries: 1000, maxBytes: 8 * MiB }, misses: { maxEntries: 5000, maxBytes: 2 * MiB } },
  /** How long an absence (an unknown deployment, app or key) is remembered: seconds, at most the TTL. */
  missTtlMs: 2000,
} as const satisfies Record<'catalogs' | 'apps' | 'deploymentKeys' | 'expoKeys', RevalidatingCacheLimits> & {
  missTtlMs: number;
};

/** getLatestBundle's caches, made once per instance. */
export interface CheckCaches {
  catalogs: RevalidatingCache<PreparedCatalog>;
  apps: RevalidatingCache<AppRecord>;
  deploymentKeys: RevalidatingCache<DeploymentRef>;
  expoKeys: RevalidatingCache<object>;
}

export interface GetLatestBundleDependencies {
  store: ObjectStore;
  config: CheckConfig;
  now?: () => Date;
  /** Where stale answers during a storage failure are reported. */
  logger?: Logger;
  /** Made from the other dependencies when absent (tests pass their own to look inside). */
  caches?: CheckCaches;
  /** The Expo manifest route's answer maker (tests pass their own to count signatures). */
  expoResponder?: ExpoResponder;
  /** Where the Expo route's launch signals are counted (tests pass their own to flush on demand). */
  signals?: SignalBuffer;
}

/** The caches of the check path: bounded (`CHECK_CACHE_LIMITS`), revalidating, stale-if-error. */
export function createCheckCaches(dependencies: Omit<GetLatestBundleDependencies, 'caches'>): CheckCaches {
  const { store, config, now: clock, logger } = dependencies;
  // The caches count milliseconds.
  const now = clock ? (): number => clock().getTime() : undefined;
  const common = {
    store,
    ttlMs: config.catalogTtlMs,
    missTtlMs: CHECK_CACHE_LIMITS.missTtlMs,
    staleIfErrorMs: config.staleIfErrorMs,
    ...(now ? { now } : {}),
    ...(logger ? { logger } : {}),
  };
  return {
    // A prepared catalog also carries its per-binary-version memo, counted at its bound.
    catalogs: createRevalidatingCache({
      ...common,
      subject: 'catalog',
      limits: CHECK_CACHE_LIMITS.catalogs,
      parse: (json) => prepareCatalog(parseCatalog(json)),
      weigh: (_catalog, bytes) => bytes + SATISFYING_MEMO_LIMITS.maxBytes,
    }),
    apps: createRevalidatingCache({
      ...common,
      subject: 'app record',
      limits: CHECK_CACHE_LIMITS.apps,
      parse: parseAppRecord,
    }),
    deploymentKeys: createRevalidatingCache({
      ...common,
      subject: 'deployment key',
      limits: CHECK_CACHE_LIMITS.deploymentKeys,
      parse: parseDeploymentRef,
    }),
    // Opened (decrypted) on first use by the manifest route, once per stored object.
    expoKeys: createRevalidatingCache({
      ...common,
      subject: 'Expo signing key',
      limits: CHECK_CACHE_LIMITS.expoKeys,
      parse: (json) => {
        if (typeof json !== 'object' || json === null) throw new Error('not a sealed Expo signing key');
        return json;
      },
    }),
  };
}

/** The HTTP handler of getLatestBundle: its route table bound to its dependencies, caches made once. */
export function createGetLatestBundleHandler(dependencies: GetLatestBundleDependencies): HttpHandler {
  const { store } = dependencies;
  const clock = dependencies.now ?? (() => new Date());
  const { catalogs, apps, deploymentKeys, expoKeys } = dependencies.caches ?? createCheckCaches(dependencies);
  const source = createCatalogSource(catalogs, apps);
  const check = { store, source };
  const expo: ExpoDependencies = {
    store,
    source,
    keys: {
      sealed: expoKeys,
      opened: new WeakMap(),
      keyEncryptionKeys: dependencies.config.expoKeyEncryptionKeys ?? [],
    },
    responder: dependencies.expoResponder ?? createExpoResponder(),
    prepared: new WeakMap(),
    // One buffer and one memory of what was counted per instance: signals are written with the fold's cadence.
    signals:
      dependencies.signals ??
      createSignalBuffer({
        store,
        now: clock,
        flushEverySeconds: dependencies.config.signalFlushSeconds ?? DEFAULT_TIMER_SECONDS,
        ...(dependencies.logger ? { logger: dependencies.logger } : {}),
      }),
    counted: createExpoSignalMemory(),
    ...(dependencies.config.apiUrl ? { apiUrl: dependencies.config.apiUrl } : {}),
  };
  const codePush = { store, source, deploymentKeys, now: clock };
  return createDeclaredRouter(routes, {
    'GET /v1/check': (request) => handleCheck(request, check),
    'GET /v1/health': () => handleHealth(store),
    'GET /v1/expo/:app/manifest': (request) => handleExpoManifest(request, expo),
    'GET /v1/expo/:app/:platform/:channel/assets/:hash': (request) => handleExpoAsset(request, expo),
    'GET /v0.1/public/codepush/update_check': (request) => handleCodePushUpdateCheck(request, codePush, 'appCenter'),
    'GET /updateCheck': (request) => handleCodePushUpdateCheck(request, codePush, 'legacy'),
    'POST /v0.1/public/codepush/report_status/deploy': (request) => handleCodePushDeployReport(request, codePush),
    'POST /v0.1/public/codepush/report_status/download': (request) => handleCodePushDownloadReport(request, codePush),
    'POST /reportStatus/deploy': (request) => handleCodePushDeployReport(request, codePush),
    'POST /reportStatus/download': (request) => handleCodePushDownloadReport(request, codePush),
  });
}
