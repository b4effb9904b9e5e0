import type { AppRecord } from './appRecord';
import type { ReleaseMetrics } from './codePushMetrics';
import type { Release, ReleaseChanges } from './releaseLog';

/**
 * Request and response bodies of publishBundle's management API, shared by the function and the CLI (which
 * imports them from here rather than copying them).
 */
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

export interface AppResponse {
  app: AppRecord;
}

export interface AppListResponse {
  apps: { name: string; platforms: string[]; channels: string[] }[];
}

export interface ReleaseResponse {
  release: Release;
}

export interface HistoryResponse {
  releases: Release[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: number;
}

/** `GET /v1/apps/:app/:platform/:channel/metrics`: per release label (and per binary version), the counts. */
export interface MetricsResponse {
  metrics: Record<string, ReleaseMetrics>;
}
