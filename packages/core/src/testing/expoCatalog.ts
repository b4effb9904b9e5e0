import type { ExpoAsset } from '../expoUpdate';
import type { Catalog, Release } from '../releaseLog';
import type { DeploymentRef } from '../storageKeys';

/** One entry of an Expo test history, oldest first: a release of a runtime version, or an embedded rollback. */
export type ExpoCaseItem =
  | {
      runtimeVersion: string;
      /** Update id; default a fixed UUID derived from the position. */
      id?: string;
      disabled?: boolean;
      rollout?: number;
      /** When the release was last patched (disabled, re-enabled…). */
      patchedAt?: string;
      launchAsset?: ExpoAsset;
      assets?: ExpoAsset[];
    }
  | { embeddedRollback: true; runtimeVersion?: string };

/** The update id the n-th entry (1-based seq) of a case gets by default: a well-formed lower-case UUID. */
export const expoCaseId = (seq: number): string => `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;

/** The time of the n-th entry of a case (1-based seq): one minute apart. */
export const expoCaseTime = (seq: number): string => new Date(Date.UTC(2026, 10, 1, 0, seq)).toISOString();

const placeholderAsset = (seq: number): ExpoAsset => ({
  contentKey: `assets/${'0'.repeat(63)}${seq % 10}`,
  hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  key: `bundle-${seq}`,
  contentType: 'application/javascript',
  fileExtension: '.bundle',
  size: 1,
});

/**
 * A catalog with Expo releases and embedded rollbacks, as the release log would compile it (labels v1, v2, … for
 * the releases, seq 1, 2, … for every entry), for tests of the serving path while publishing is built apart.
 */
export function expoCatalog(deployment: DeploymentRef, items: readonly ExpoCaseItem[]): Catalog {
  const releases: Release[] = [];
  const embeddedRollbacks: NonNullable<Catalog['embeddedRollbacks']> = [];
  items.forEach((item, index) => {
    const seq = index + 1;
    const at = expoCaseTime(seq);
    if ('embeddedRollback' in item) {
      embeddedRollbacks.push({
        seq,
        at,
        by: 'test',
        ...(item.runtimeVersion === undefined ? {} : { runtimeVersion: item.runtimeVersion }),
      });
      return;
    }
    const launchAsset = item.launchAsset ?? placeholderAsset(seq);
    releases.push({
      label: `v${releases.length + 1}`,
      seq,
      packageHash: launchAsset.contentKey.slice('assets/'.length),
      archiveSha256: launchAsset.contentKey.slice('assets/'.length),
      contentKey: launchAsset.contentKey,
      contentKind: 'bundle',
      manifestKey: undefined,
      size: launchAsset.size,
      bundlePath: `bundle${launchAsset.fileExtension}`,
      targetBinaryRange: '*',
      description: '',
      mandatory: false,
      rollout: item.rollout ?? 100,
      disabled: item.disabled ?? false,
      signed: false,
      uploadId: undefined,
      expo: {
        id: item.id ?? expoCaseId(seq),
        runtimeVersion: item.runtimeVersion,
        launchAsset,
        assets: item.assets ?? [],
        metadata: {},
        extra: { expoClient: { name: 'shop', slug: 'shop' } },
      },
      createdAt: at,
      createdBy: 'test',
      ...(item.patchedAt ? { lastPatch: { seq: items.length + 1, at: item.patchedAt, by: 'test' } } : {}),
    });
  });
  return {
    schemaVersion: 1,
    deployment,
    head: items.length,
    releases,
    ...(embeddedRollbacks.length > 0 ? { embeddedRollbacks } : {}),
  };
}
