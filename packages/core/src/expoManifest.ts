import type { ExpoRelease } from './expoDecision';
import type { ExpoAsset } from './expoUpdate';

/** An asset as the Expo manifest lists it (Expo Updates protocol v1, "Manifest body"). */
export interface ExpoManifestAsset {
  hash: string;
  key: string;
  contentType: string;
  /** Omitted on the launch asset: the protocol says clients ignore it there. */
  fileExtension?: string;
  url: string;
}

/** The manifest body of an Expo update, as served (docs/protocols/expo.md "Serving"). */
export interface ExpoManifest {
  id: string;
  createdAt: string;
  runtimeVersion: string;
  launchAsset: ExpoManifestAsset;
  assets: ExpoManifestAsset[];
  metadata: Record<string, string>;
  extra: Record<string, unknown>;
}

/** A directive body (protocol v1): the two this server sends. */
export type ExpoDirective =
  { type: 'noUpdateAvailable' } | { type: 'rollBackToEmbedded'; parameters: { commitTime: string } };

/**
 * The manifest of an Expo release; `assetUrl` turns an asset's `contentKey` into the URL devices download it from
 * (public or presigned, as for every other download). `launchAssetUrl`, when given, is the launch asset's URL
 * instead: the route that may answer with a patch (docs/protocols/expo.md "Patches").
 */
export function expoManifest(
  release: ExpoRelease,
  assetUrl: (contentKey: string) => string,
  launchAssetUrl?: (launchAsset: ExpoAsset) => string,
): ExpoManifest {
  const { expo } = release;
  const asset = ({ contentKey, hash, key, contentType, fileExtension }: ExpoAsset): ExpoManifestAsset => ({
    hash,
    key,
    contentType,
    fileExtension,
    url: assetUrl(contentKey),
  });
  const { fileExtension: _ignored, ...launchAsset } = asset(expo.launchAsset);
  if (launchAssetUrl) launchAsset.url = launchAssetUrl(expo.launchAsset);
  return {
    id: expo.id,
    createdAt: release.createdAt,
    runtimeVersion: expo.runtimeVersion,
    launchAsset,
    assets: expo.assets.map(asset),
    metadata: expo.metadata,
    extra: expo.extra,
  };
}

/** The directive body of a decision that is not a manifest. */
export function expoDirective(commitTime: string | undefined): ExpoDirective {
  return commitTime === undefined
    ? { type: 'noUpdateAvailable' }
    : { type: 'rollBackToEmbedded', parameters: { commitTime } };
}
