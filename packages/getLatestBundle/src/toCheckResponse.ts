import type { Release, UpdateDecision } from '@hotpatch/core';

/** The release as the native API describes it to an app. */
export interface CheckRelease {
  label: string;
  /** The package hash: CodePush's for a zip, SHA-256 of the file for a single bundle. */
  hash: string;
  /** The release's own stored object: exactly `size` bytes whose SHA-256 is `sha256`. */
  url: string;
  size: number;
  mandatory: boolean;
  description: string;
  /** `zip` (unzip it; the bundle is at `bundlePath`) or `bundle` (the file is the bundle). */
  kind: 'zip' | 'bundle';
  bundlePath: string;
  /** SHA-256 of the downloaded bytes: verify it before unpacking. */
  sha256: string;
  /** Whether the package carries a CodePush `.codepushrelease` signature. */
  signed: boolean;
}

export type CheckResponse =
  | { status: 'update'; release: CheckRelease }
  | { status: 'upToDate'; binaryUpdateNeeded?: { targetBinaryRange: string } }
  | { status: 'rollback'; release: CheckRelease | null };

function describe(release: Release, mandatory: boolean, downloadUrl: (key: string) => string): CheckRelease {
  return {
    label: release.label,
    hash: release.packageHash,
    url: downloadUrl(release.contentKey),
    size: release.size,
    mandatory,
    description: release.description,
    kind: release.contentKind,
    bundlePath: release.bundlePath,
    sha256: release.archiveSha256,
    signed: release.signed,
  };
}

/** Maps a decision to the JSON answer. A rollback is always mandatory: the running bundle was pulled. */
export function toCheckResponse(decision: UpdateDecision, downloadUrl: (key: string) => string): CheckResponse {
  switch (decision.kind) {
    case 'update':
      return { status: 'update', release: describe(decision.release, decision.mandatory, downloadUrl) };
    case 'rollback':
      return { status: 'rollback', release: decision.release ? describe(decision.release, true, downloadUrl) : null };
    case 'binaryUpdateNeeded':
      return { status: 'upToDate', binaryUpdateNeeded: { targetBinaryRange: decision.targetBinaryRange } };
    case 'upToDate':
      return { status: 'upToDate' };
  }
}
