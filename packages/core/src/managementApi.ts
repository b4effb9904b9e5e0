import type { ManagementAction, ManagementRole } from './managementAccess';
import type { AppRecord } from './appRecord';
import type { ReleaseMetrics } from './codePushMetrics';
import type { EmbeddedRollback } from './expoUpdate';
import type { Release, ReleaseChanges } from './releaseLog';
import type { UploadOutcome } from './uploadOutcome';

/**
 * Request and response bodies of publishBundle's management API, shared by the function and the CLI (which
 * imports them from here rather than copying them).
 */
/**
 * `POST /v1/apps/:app/:platform/builds`: a store build's embedded bundle, gzip'd and base64-encoded, named
 * either by `binaryVersion` (native) or by `runtimeVersion` and `embeddedUpdateId` (Expo).
 */
export interface RegisterBuildBody {
  binaryVersion?: string;
  runtimeVersion?: string;
  embeddedUpdateId?: string;
  bundleGzipBase64: string;
}

/** A registered build as the builds routes describe it (its record; `id` names it for removal). */
export interface BuildDescription {
  id: string;
  kind: 'native' | 'expo';
  binaryVersion?: string;
  runtimeVersion?: string;
  embeddedUpdateId?: string;
  bundleSha256: string;
  size: number;
  registeredAt: string;
  by: string;
}

/** The answer to a registration: the build and, by channel, the release that gained a patch from it. */
export interface RegisterBuildResponse {
  build: BuildDescription;
  patched: Record<string, string>;
}

export interface BuildListResponse {
  builds: BuildDescription[];
}

export interface CreateAppBody {
  name: string;
  platforms: string[];
}

export interface AddChannelBody {
  name: string;
}

export interface RotateKeysBody {
  platform?: string;
}

export interface PromoteBody extends ReleaseChanges {
  /** The channel to promote to. */
  to: string;
  /** The release to promote (default: the latest). */
  label?: string;
}

export type PatchBody = ReleaseChanges;

export interface RollbackBody {
  /** The release to go back to (default: the one before the latest). */
  label?: string;
}

/** `POST /v1/apps/:app/:platform/:channel/rollback-to-embedded` (Expo). */
export interface EmbeddedRollbackBody {
  /** Only devices on this runtime version (default: every runtime version). */
  runtimeVersion?: string;
}

export interface EmbeddedRollbackResponse extends Visibility {
  embeddedRollback: EmbeddedRollback;
}

export interface AppResponse {
  app: AppRecord;
}

export interface AppListResponse {
  apps: { name: string; platforms: string[]; channels: string[] }[];
}

/**
 * When devices see a change: within this many seconds of the answer (the catalog TTL the check path runs with;
 * 0 = on their next check). Part of every answer that changes what devices get.
 */
export interface Visibility {
  visibleWithinSeconds: number;
}

export interface ReleaseResponse extends Visibility {
  release: Release;
}

/** `GET /v1/uploads/status`: uploadBundle's outcome, with the visibility of an accepted release. */
export type UploadStatusResponse = UploadOutcome & Partial<Visibility>;

export interface HistoryResponse {
  releases: Release[];
  /** Expo rollbacks to the embedded bundle made between this page's releases, newest first (absent when none). */
  embeddedRollbacks?: EmbeddedRollback[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: number;
}

/** `GET /v1/apps/:app/:platform/:channel/metrics`: per release label (and per binary version), the counts. */
export interface MetricsResponse {
  metrics: Record<string, ReleaseMetrics>;
}

/** `GET /v1/manage/whoami`: the calling key, its scope, and the actions its role allows (the console's buttons). */
export interface WhoamiResponse {
  key: string;
  role: ManagementRole;
  apps: '*' | readonly string[];
  actions: ManagementAction[];
}

/** `GET /v1/apps/:app/uploads`: the app's latest upload outcomes, newest first. */
export interface RecentUploadsResponse {
  uploads: UploadOutcome[];
  /** More outcomes than one call lists (5000): the newest of those listed; `hotpatch gc` collects old ones. */
  truncated?: true;
}
