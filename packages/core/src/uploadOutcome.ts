import type { Platform } from './names';

/** What uploadBundle recorded for one upload (`upload-status/<path>/<etag>.json`); the CLI waits on it. */
export type UploadOutcome =
  | {
      status: 'accepted';
      uploadKey: string;
      etag: string;
      at: string;
      release: {
        app: string;
        platform: Platform;
        channel: string;
        label: string;
        packageHash: string;
        size: number;
        /** An Expo update's id and runtime version (absent for other releases). */
        expo?: { id: string; runtimeVersion: string };
      };
    }
  | { status: 'rejected'; uploadKey: string; etag: string; at: string; reasons: string[] };

export function parseUploadOutcome(json: unknown): UploadOutcome {
  const outcome = json as UploadOutcome;
  if (
    typeof outcome !== 'object' ||
    outcome === null ||
    (outcome.status !== 'accepted' && outcome.status !== 'rejected') ||
    typeof outcome.uploadKey !== 'string'
  ) {
    throw new Error('not an upload outcome');
  }
  return outcome;
}
