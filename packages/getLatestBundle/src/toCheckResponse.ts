import {
  findPatch,
  PATCH_ALGORITHM,
  type CheckRelease,
  type CheckResponse,
  type Release,
  type UpdateDecision,
  type UpdateRequest,
} from '@hotpatch/core';

function describe(
  release: Release,
  mandatory: boolean,
  downloadUrl: (key: string) => string,
  device?: UpdateRequest,
): CheckRelease {
  const patch = device
    ? findPatch(release, { bundleHash: device.bundleHash, appVersion: device.appVersion.version })
    : undefined;
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
    ...(patch
      ? {
          patch: {
            url: downloadUrl(patch.contentKey),
            size: patch.size,
            algorithm: PATCH_ALGORITHM,
            fromHash: patch.baseSha256,
            bundleSha256: patch.targetSha256,
          },
        }
      : {}),
  };
}

/**
 * Maps a decision to the JSON answer. A rollback is always mandatory: the running bundle was pulled. An update
 * carries a binary patch when the device's running bundle (`device`) is a base that has one.
 */
export function toCheckResponse(
  decision: UpdateDecision,
  downloadUrl: (key: string) => string,
  device?: UpdateRequest,
): CheckResponse {
  switch (decision.kind) {
    case 'update':
      return { status: 'update', release: describe(decision.release, decision.mandatory, downloadUrl, device) };
    case 'rollback':
      return { status: 'rollback', release: decision.release ? describe(decision.release, true, downloadUrl) : null };
    case 'binaryUpdateNeeded':
      return { status: 'upToDate', binaryUpdateNeeded: { targetBinaryRange: decision.targetBinaryRange } };
    case 'upToDate':
      return { status: 'upToDate' };
  }
}
