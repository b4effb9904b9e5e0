import { BadRequestError, NotFoundError, type HttpRequest, type HttpResponse } from '@hotpatch/common';
import {
  acceptsBsdiff,
  deploymentNotFound,
  EXPO_ASSET_HASH,
  EXPO_PATCH_ENCODING,
  EXPO_PATCH_VARY,
  expoReleasesWithLaunchAsset,
  findExpoLaunchPatch,
  nameProblem,
  prepareExpoCatalog,
  UUID_PATTERN,
  type DeploymentRef,
  type ExpoAsset,
  type Platform,
} from '@hotpatch/core';
import type { ExpoDependencies } from './handleExpoManifest';
import { registeredCatalog } from './registeredCatalog';

/** The launch-asset route (routes.ts); its URLs are immutable: the same path always names the same bytes. */
const ROUTE_PREFIX = '/v1/expo';

/** A full answer whose target URL carries no query (a public content URL) may be kept by any cache for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A patch is for the device that asked; a redirect to a signed (expiring) URL is for now only. */
const PRIVATE = 'private, no-store';

/**
 * The launch asset's URL in a manifest when the API's public URL is known (`HOTPATCH_API_URL`): the route below,
 * which can answer with a patch; otherwise undefined, and the manifest points at the content URL as for images.
 */
export function expoLaunchAssetUrl(
  apiUrl: string | undefined,
  deployment: DeploymentRef,
): ((launchAsset: ExpoAsset) => string) | undefined {
  if (apiUrl === undefined) return undefined;
  const base = `${apiUrl.replace(/\/+$/, '')}${ROUTE_PREFIX}/${encodeURIComponent(deployment.app)}/${deployment.platform}/${encodeURIComponent(deployment.channel)}/assets/`;
  return (launchAsset) => base + launchAsset.hash;
}

function pathName(kind: 'app' | 'platform' | 'channel', value: string | undefined): string {
  const problem = nameProblem(kind, value);
  if (problem) throw new BadRequestError(problem, kind);
  return value!;
}

/**
 * The update a device patches from (§ "Patches" in docs/protocols/expo.md): the one it runs
 * (`expo-current-update-id`; the embedded update's id when it runs the embedded bundle), else its embedded
 * update. A malformed id is no base: the device gets the full asset rather than a failed download.
 */
function baseUpdateId(headers: Record<string, string>): string | undefined {
  for (const name of ['expo-current-update-id', 'expo-embedded-update-id']) {
    const value = headers[name];
    if (value !== undefined && UUID_PATTERN.test(value)) return value.toLowerCase();
  }
  return undefined;
}

/**
 * `GET /v1/expo/:app/:platform/:channel/assets/:hash` (the launch asset of the deployment's updates, by its
 * manifest hash): with `A-IM: bsdiff` and a stored patch from the device's update, `226 IM Used` and the
 * BSDIFF40 bytes (private, no-store); otherwise a redirect to the immutable content URL. Reads the cached
 * catalog and, for a patch, that one object; never lists storage.
 */
export async function handleExpoAsset(request: HttpRequest, dependencies: ExpoDependencies): Promise<HttpResponse> {
  const { app, platform, channel, hash } = request.pathParameters;
  const deployment: DeploymentRef = {
    app: pathName('app', app),
    platform: pathName('platform', platform) as Platform,
    channel: pathName('channel', channel),
  };
  if (hash === undefined || !EXPO_ASSET_HASH.test(hash))
    throw new BadRequestError('the asset is named by its manifest hash (base64url SHA-256)', 'hash');
  const catalog = await registeredCatalog(deployment, dependencies.source);
  if (!catalog) throw new NotFoundError(deploymentNotFound(deployment));
  const targets = expoReleasesWithLaunchAsset(catalog.catalog, hash);
  const target = targets[0];
  if (!target) throw new NotFoundError(`no update of ${app}/${platform}/${channel} has the launch asset ${hash}`);

  const vary = { vary: EXPO_PATCH_VARY };
  const base = acceptsBsdiff(request.headers['a-im']) ? baseUpdateId(request.headers) : undefined;
  if (base !== undefined) {
    let prepared = dependencies.prepared.get(catalog);
    if (!prepared) {
      prepared = prepareExpoCatalog(catalog.catalog);
      dependencies.prepared.set(catalog, prepared);
    }
    const found = findExpoLaunchPatch(prepared, targets, base);
    const stored = found ? await dependencies.store.get(found.patch.contentKey) : undefined;
    // A patch recorded but no longer stored: the full asset still is.
    if (found && stored?.status === 'found')
      return {
        statusCode: 226,
        headers: {
          'content-type': 'application/octet-stream',
          im: EXPO_PATCH_ENCODING,
          'expo-base-update-id': found.baseUpdateId,
          'cache-control': PRIVATE,
          ...vary,
        },
        body: stored.body,
      };
  }
  const location = dependencies.store.downloadUrl(target.expo.launchAsset.contentKey);
  return {
    statusCode: 302,
    headers: { location, 'cache-control': location.includes('?') ? PRIVATE : IMMUTABLE, ...vary },
    body: '',
  };
}
