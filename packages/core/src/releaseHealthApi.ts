import type { HaltPolicy } from './appRecord';
import type { ReleaseHealth } from './releaseHealth';
import type { UpdateTrace } from './explainUpdate';
import type { UpdateDecision } from './decideUpdate';

/**
 * `GET /v1/apps/:app/:platform/:channel/health`: per release (newest first) downloads, installs, failures,
 * active devices and failure rate, from the folded CodePush status reports (and the few not yet folded).
 */
export interface ReleaseHealthResponse {
  releases: ReleaseHealth[];
  /** Devices running the bundle embedded in their binary, by binary version. */
  binaryVersions: Record<string, number>;
  /** The channel's auto-halt policy, when it has one. */
  haltPolicy?: HaltPolicy;
  /** When the fold last committed (absent before the first fold). */
  foldedAt?: string;
  /**
   * Raw reports not yet folded and not in these numbers (the next fold counts them); 0 when every report is
   * counted. Capped at the first listing page: `pendingMore` says there are more.
   */
  pendingReports: number;
  pendingMore?: boolean;
}

/** `PUT /v1/apps/:app/channels/:channel/halt-policy` body: a policy, or null to clear it. */
export interface HaltPolicyBody {
  haltPolicy: HaltPolicy | null;
}

/** `GET /v1/apps/:app/:platform/:channel/explain?appVersion=&bundleHash=&clientId=`: the decision and why. */
export interface ExplainResponse {
  decision: { kind: UpdateDecision['kind']; label?: string };
  trace: UpdateTrace;
}

/** `POST /v1/manage/gc {dryRun, uploadMaxAgeDays?}`: what was (or would be) deleted and the bytes freed. */
export interface GcBody {
  dryRun: boolean;
  /** Upload objects older than this many days are collected (default `DEFAULT_UPLOAD_MAX_AGE_DAYS`). */
  uploadMaxAgeDays?: number;
}

export interface GcResponse {
  dryRun: boolean;
  /** Per collectable prefix: objects and bytes (deleted, or that would be). */
  collected: Record<string, { objects: number; bytes: number }>;
  bytesFreed: number;
  /** Objects kept because something references them, or because they are too young to judge. */
  kept: { referenced: number; young: number };
  /** Up to 100 of the keys collected, for a dry run's eye. */
  sample: string[];
}
