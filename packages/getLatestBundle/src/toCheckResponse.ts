import type { CheckRelease, CheckResponse, Release, UpdateDecision } from '@hotpatch/core';

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
