import type { Platform } from './names';

/** Identifies one deployment: an app's platform on one channel. */
export interface DeploymentRef {
  app: string;
  platform: Platform;
  channel: string;
}

/**
 * The default OSS trigger prefix: the inbox. No function ever writes under it. `HOTPATCH_UPLOAD_PREFIX`
 * overrides it, read through `readUploadPrefix` (common) by every path that uploads or watches uploads.
 */
export const DEFAULT_UPLOAD_PREFIX = 'uploads/';

/** What an upload prefix may be: `/`-separated names of key-safe characters (never `.` or `..`), ending in `/`. */
const UPLOAD_PREFIX_PATTERN = /^(?!\.{1,2}\/)(?!.*\/\.{1,2}\/)[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/;

/**
 * Every top-level prefix hotpatch keeps its own objects under (records, logs, catalogs, content, metrics, keys).
 * The upload prefix must stay clear of all of them: gc deletes everything under it by age, and uploadBundle
 * treats every object there as an upload. One list: `storageKeys.test.ts` checks every key built here lies under it.
 */
export const OWNED_PREFIXES: readonly string[] = Object.freeze([
  'apps/',
  'deployment-keys/',
  'packages/',
  'diffs/',
  'assets/',
  'patches/',
  'build-bundles/',
  'builds/',
  'logs/',
  'catalogs/',
  'upload-status/',
  'nonces/',
  'keys/',
  'metrics/',
  'metrics-folded/',
  'metrics-archive/',
]);

/**
 * Why `prefix` cannot be the upload prefix, or undefined when it can: it must match `UPLOAD_PREFIX_PATTERN` and
 * neither lie under nor contain a hotpatch-owned prefix (`OWNED_PREFIXES`). Every reader of the upload prefix
 * (functions and CLI) checks it here.
 */
export function uploadPrefixProblem(prefix: string): string | undefined {
  if (!UPLOAD_PREFIX_PATTERN.test(prefix))
    return `upload prefix ${JSON.stringify(prefix)} must be key segments ending in / (like ${DEFAULT_UPLOAD_PREFIX})`;
  const owned = OWNED_PREFIXES.find((each) => prefix.startsWith(each) || each.startsWith(prefix));
  if (owned)
    return `upload prefix ${JSON.stringify(prefix)} overlaps ${owned}, where hotpatch keeps its own objects (gc deletes everything under the upload prefix by age)`;
  return undefined;
}

/** Width of log sequence numbers in keys, so that key order is numeric order. */
const SEQ_DIGITS = 10;

/**
 * Every storage key hotpatch uses, in one place. Names inside keys are validated before they get here
 * (`nameProblem`), so keys never need encoding.
 */
export const storageKeys = {
  /** The app registry: one object per app. */
  app: (app: string) => `apps/${app}.json`,
  appsPrefix: () => 'apps/',
  /** Deployment-key index: key → app, platform, channel (for CodePush clients). */
  deploymentKey: (key: string) => `deployment-keys/${key}.json`,
  /**
   * Immutable, addressed by the SHA-256 of the stored bytes (a release's `archiveSha256`): the uploaded archive
   * or bundle file, and its file manifest. Never by package hash: that hash leaves out `.codepushrelease`,
   * `__MACOSX/`, `.DS_Store` and zip metadata, so a signed and an unsigned upload of the same files (or one
   * zipped twice) share it but are different bytes. Only identical bytes share a key.
   */
  packageContent: (contentSha256: string, fileName: string) => `packages/${contentSha256}/${fileName}`,
  packageManifest: (contentSha256: string) => `packages/${contentSha256}/manifest.json`,
  /**
   * Immutable: the CodePush diff package that turns any package with `fromPackageHash` into the exact stored
   * package `toContentSha256` (that package's files and its signature, if it has one).
   */
  diffPackage: (toContentSha256: string, fromPackageHash: string) => `diffs/${toContentSha256}/${fromPackageHash}.zip`,
  /**
   * Immutable: one file of an Expo update (launch asset, image, font), addressed by the SHA-256 hex of its bytes
   * and stored with its content type; shared by every update that contains the same bytes.
   */
  expoAsset: (sha256: string) => `assets/${sha256}`,
  /**
   * Immutable: a BSDIFF40 patch from the bundle whose bytes have SHA-256 `baseSha256` to the one with
   * `targetSha256`; found by that pair alone, whichever client asks.
   */
  binaryPatch: (targetSha256: string, baseSha256: string) => `patches/${targetSha256}/${baseSha256}.bsdiff`,
  /**
   * The JS or Hermes bundle shipped inside a registered store build, by the SHA-256 of its bytes (private: a base
   * for patches, never downloaded by devices).
   */
  buildBundle: (sha256: string) => `build-bundles/${sha256}`,
  /** The record of one registered store build of an app's platform (`buildId`: see `registeredBuildId`). */
  build: (app: string, platform: string, buildId: string) => `builds/${app}/${platform}/${buildId}.json`,
  buildsPrefix: (app: string, platform: string) => `builds/${app}/${platform}/`,
  /** The append-only release log of a deployment, one object per entry. */
  logPrefix: (deployment: DeploymentRef) => `logs/${deployment.app}/${deployment.platform}/${deployment.channel}/`,
  logEntry: (deployment: DeploymentRef, seq: number) =>
    `logs/${deployment.app}/${deployment.platform}/${deployment.channel}/${String(seq).padStart(SEQ_DIGITS, '0')}.json`,
  /** Every compiled catalog (health checks list one; a removed channel's are deleted). */
  catalogsPrefix: () => 'catalogs/',
  /** The compiled catalog of a deployment: the one object the check path reads. */
  catalog: (deployment: DeploymentRef) =>
    `catalogs/${deployment.app}/${deployment.platform}/${deployment.channel}.json`,
  /** The recorded outcome of one upload (its key without the upload prefix, and its ETag). */
  uploadStatus: (uploadPath: string, etag: string) => `upload-status/${uploadPath}/${etag}.json`,
  /** Every upload outcome of one app (uploads are `<app>/<platform>/<name>` under the upload prefix). */
  uploadStatusPrefix: (app: string) => `upload-status/${app}/`,
  /**
   * A management request's nonce, claimed once with forbid-overwrite (replay protection across instances); a
   * bucket lifecycle rule may expire `nonces/` after a day.
   */
  nonce: (appKey: string, nonce: string) => `nonces/${appKey}/${nonce}`,
  /**
   * Private: an app's Expo code-signing key, its private key encrypted (AES-256-GCM) with a key-encryption key
   * that only getLatestBundle's environment and the operator hold (docs/security.md "Expo code signing").
   */
  expoSigningKey: (app: string) => `keys/expo/${app}.json`,
} as const;

/**
 * The key prefixes devices download from without a signature: immutable content only (packages, diff
 * packages, Expo assets, binary patches). Everything else in the bucket (app records with deployment keys, catalogs, logs, metrics, upload
 * status, nonces) needs a signed request. The production bucket policy (anonymous `GetObject` on these
 * prefixes, bucket ACL private) and the local OSS server's anonymous read are both built from this list.
 */
export const publicReadPrefixes: readonly string[] = Object.freeze(['packages/', 'diffs/', 'assets/', 'patches/']);

/**
 * Whether devices may read this key anonymously: it lies under one of `publicReadPrefixes` and has no `.` or
 * `..` segment (so `packages/../apps/x.json` is not public, whatever a store would make of it).
 */
export function isPublicReadKey(key: string): boolean {
  return (
    publicReadPrefixes.some((prefix) => key.startsWith(prefix)) &&
    !key.split('/').some((segment) => segment === '.' || segment === '..')
  );
}

/** The sequence number of a log entry key (or of a fold generation key), or undefined for anything else. */
export function seqOfLogKey(key: string): number | undefined {
  const match = /\/(\d{10})\.json$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** Metrics: one object per report (never a shared counter), under the deployment. */
export const metricsKeys = {
  /** Every deployment's raw reports, and every deployment's fold generations. */
  reportsRoot: () => 'metrics/',
  foldRoot: () => 'metrics-folded/',
  prefix: (deployment: DeploymentRef) => `metrics/${deployment.app}/${deployment.platform}/${deployment.channel}/`,
  /**
   * The fold's generations of a deployment (`metricsFold.ts`): each one the running totals of every report
   * folded so far, claimed with forbid-overwrite, so of two overlapping folds exactly one commits.
   */
  foldPrefix: (deployment: DeploymentRef) =>
    `metrics-folded/${deployment.app}/${deployment.platform}/${deployment.channel}/`,
  foldGeneration: (deployment: DeploymentRef, generation: number) =>
    `metrics-folded/${deployment.app}/${deployment.platform}/${deployment.channel}/${String(generation).padStart(SEQ_DIGITS, '0')}.json`,
  /** Where a folded raw report is moved (out of the listing path, kept lossless until `hotpatch gc`). */
  archivePrefix: () => 'metrics-archive/',
  archivedReport: (reportKey: string) => `metrics-archive/${reportKey.slice('metrics/'.length)}`,
  /** Time-ordered and unique; `unique` is random hex from the writer. */
  report: (deployment: DeploymentRef, at: Date, unique: string) =>
    `metrics/${deployment.app}/${deployment.platform}/${deployment.channel}/${at.toISOString().replace(/[-:.]/g, '')}-${unique}.json`,
} as const;

/** Reads a stored deployment reference (the deployment-key index); throws on anything else. */
export function parseDeploymentRef(json: unknown): DeploymentRef {
  const ref = json as DeploymentRef;
  if (typeof ref?.app !== 'string' || typeof ref.platform !== 'string' || typeof ref.channel !== 'string')
    throw new Error('not a deployment reference');
  return { app: ref.app, platform: ref.platform, channel: ref.channel };
}
