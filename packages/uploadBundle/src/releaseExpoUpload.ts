import { randomUUID } from 'node:crypto';
import { appendToLog, uploaderOf, type ObjectInfo } from '@hotpatch/common';
import {
  buildExpoUpdate,
  computePackageHash,
  deploymentProblem,
  EXPO_APP_CONFIG_FILE,
  EXPO_LAUNCH_ASSET_CONTENT_TYPE,
  EXPO_METADATA_FILE,
  expoContentType,
  parseExpoAppConfig,
  parseExpoMetadata,
  parseReleaseRequest,
  planRelease,
  RELEASE_FIELDS,
  storageKeys,
  type DeploymentRef,
  type ExpoPlatformFiles,
  type Release,
  type ReleaseCandidate,
  type UploadOutcome,
} from '@hotpatch/core';
import type { TempFile } from './downloadToTempFile';
import { readZipFiles, type ZipContents } from './inspectZip';
import { isRejection, putOnce, rejection, UPLOAD_AUTHOR, type Rejection, type Upload } from './uploadSteps';

type AcceptedRelease = Extract<UploadOutcome, { status: 'accepted' }>['release'];
type ZipFileInfo = ZipContents['files'][number];

const quote = JSON.stringify;

/**
 * Whether an upload is an Expo export (docs/protocols/expo.md, "Publishing"): a zip with `metadata.json` at its
 * root, or an upload that names a runtime version. Either way it is checked and released as an Expo update.
 */
export function isExpoUpload(object: ObjectInfo, contents: ZipContents | undefined): boolean {
  const settings = contents?.hotpatchJson as Record<string, unknown> | undefined;
  return (
    contents?.kept[EXPO_METADATA_FILE] !== undefined ||
    object.metadata[RELEASE_FIELDS.runtimeVersion.meta] !== undefined ||
    (typeof settings === 'object' && settings !== null && RELEASE_FIELDS.runtimeVersion.json in settings)
  );
}

function parseJsonFile(bytes: Buffer, name: string, reasons: string[]): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    reasons.push(`${name} is not valid JSON`);
    return undefined;
  }
}

/** Everything an Expo release records, once every check passed. */
interface CheckedExport {
  deployment: DeploymentRef;
  request: ReturnType<typeof parseReleaseRequest> & { kind: 'ok' };
  runtimeVersion: string;
  launch: ZipFileInfo;
  assets: (ZipFileInfo & { ext: string })[];
  expoClient: Record<string, unknown> | undefined;
}

/**
 * Every check of an Expo export at once: the release request (a runtime version, no binary range), the app and
 * channel, `metadata.json`'s shape and this platform's entry, every file it names present in the zip, and the
 * app config when there is one. The zip itself already passed `inspectZip` (paths, links, sizes, bombs).
 */
async function checkExport(
  { key, deps }: Upload,
  object: ObjectInfo,
  contents: ZipContents | undefined,
): Promise<CheckedExport | Rejection> {
  if (!contents)
    return rejection(
      `an Expo update is a zip of the npx expo export output (${EXPO_METADATA_FILE} at its root), not a single file`,
    );
  const reasons: string[] = [];
  const request = parseReleaseRequest(object.metadata, contents.hotpatchJson, 'expo');
  if (request.kind !== 'ok') reasons.push(...request.reasons);

  const app = await deps.registry.get(key.app);
  if (!app) reasons.push(`unknown app ${quote(key.app)}: register it first (hotpatch app add ${key.app})`);
  else if (request.kind === 'ok') {
    const problem = deploymentProblem(app, key.platform, request.request.channel);
    if (problem) reasons.push(problem);
  }

  let files: ExpoPlatformFiles | undefined;
  const metadataBytes = contents.kept[EXPO_METADATA_FILE];
  if (!metadataBytes) reasons.push(`no ${EXPO_METADATA_FILE} at the zip root: upload the npx expo export output`);
  else {
    const json = parseJsonFile(metadataBytes, EXPO_METADATA_FILE, reasons);
    const parsed = json === undefined ? undefined : parseExpoMetadata(json);
    if (parsed?.kind === 'ok') {
      files = parsed.metadata[key.platform];
      if (!files) reasons.push(`${EXPO_METADATA_FILE} has no fileMetadata.${key.platform}: export for ${key.platform}`);
    } else if (parsed) reasons.push(...parsed.reasons);
  }

  const byPath = new Map(contents.files.map((file) => [file.path, file]));
  const launch = files ? byPath.get(files.bundle) : undefined;
  if (files && !launch)
    reasons.push(`the bundle ${quote(files.bundle)} named by ${EXPO_METADATA_FILE} is not in the zip`);
  const assets: CheckedExport['assets'] = [];
  for (const asset of files?.assets ?? []) {
    const found = byPath.get(asset.path);
    if (found) assets.push({ ...found, ext: asset.ext });
    else reasons.push(`the asset ${quote(asset.path)} named by ${EXPO_METADATA_FILE} is not in the zip`);
  }

  let expoClient: Record<string, unknown> | undefined;
  const configBytes = contents.kept[EXPO_APP_CONFIG_FILE];
  if (configBytes) {
    const json = parseJsonFile(configBytes, EXPO_APP_CONFIG_FILE, reasons);
    const parsed = json === undefined ? undefined : parseExpoAppConfig(json);
    if (parsed?.kind === 'ok') expoClient = parsed.expo;
    else if (parsed) reasons.push(...parsed.reasons);
  }

  if (reasons.length > 0 || request.kind !== 'ok' || !launch || request.request.runtimeVersion === undefined)
    return rejection(...reasons);
  return {
    deployment: { app: key.app, platform: key.platform, channel: request.request.channel },
    request,
    runtimeVersion: request.request.runtimeVersion,
    launch,
    assets,
    expoClient,
  };
}

/**
 * Each file once under `assets/<sha256>` with its content type (immutable, forbid-overwrite; a file another
 * update already stored is not written again). Read from the local copy of the zip, one file at a time.
 */
async function storeAssets({ deps }: Upload, file: TempFile, checked: CheckedExport): Promise<void> {
  const contentTypes = new Map<string, string>([[checked.launch.path, EXPO_LAUNCH_ASSET_CONTENT_TYPE]]);
  for (const asset of checked.assets)
    if (!contentTypes.has(asset.path)) contentTypes.set(asset.path, expoContentType(asset.ext));
  const wanted = new Map<string, string>();
  for (const entry of [checked.launch, ...checked.assets]) {
    // Already stored (by an earlier update or a retried event): not even read from the zip.
    if (!wanted.has(entry.path) && !(await deps.store.head(storageKeys.expoAsset(entry.sha256))))
      wanted.set(entry.path, entry.sha256);
  }
  if (wanted.size > 0)
    await readZipFiles(file.path, wanted, (path, bytes) =>
      putOnce(deps.store, storageKeys.expoAsset(wanted.get(path)!), bytes, contentTypes.get(path)!),
    );
  deps.logger.info('expo assets stored', { files: contentTypes.size, written: wanted.size });
}

/**
 * An Expo export becomes a release of the upload's platform: checked, its files stored by content, the
 * `ExpoUpdate` built with a fresh id, and the release appended through the log like every release. A retried
 * event finds its release (and its id) again by `uploadId`. Expo releases get no CodePush diffs.
 */
export async function releaseExpoUpload(
  upload: Upload,
  object: ObjectInfo,
  file: TempFile,
  contents: ZipContents | undefined,
): Promise<AcceptedRelease | Rejection> {
  const { event, at, deps } = upload;
  const checked = await checkExport(upload, object, contents);
  if (isRejection(checked)) return checked;
  await storeAssets(upload, file, checked);

  const expo = buildExpoUpdate({
    id: randomUUID(),
    runtimeVersion: checked.runtimeVersion,
    launch: checked.launch,
    assets: checked.assets,
    ...(checked.expoClient ? { expoClient: checked.expoClient } : {}),
  });
  const updateFiles = [checked.launch, ...checked.assets.filter((asset) => asset.path !== checked.launch.path)];
  const unique = [...new Map(updateFiles.map((entry) => [entry.path, entry])).values()];
  const { request } = checked.request;
  const candidate: ReleaseCandidate = {
    // The CodePush-style hash of the update's files: what history shows; identity checks compare `expo`.
    packageHash: computePackageHash(unique),
    archiveSha256: checked.launch.sha256,
    contentKey: expo.launchAsset.contentKey,
    contentKind: 'bundle',
    manifestKey: undefined,
    size: unique.reduce((total, entry) => total + entry.size, 0),
    bundlePath: checked.launch.path,
    targetBinaryRange: '',
    description: request.description,
    mandatory: request.mandatory,
    rollout: request.rollout,
    disabled: request.disabled,
    signed: false,
    uploadId: `${event.key}@${event.etag}`,
    expo,
  };
  const { deployment } = checked;
  const release = await appendToLog<Release | Rejection>(deps.store, deployment, (state) => {
    const plan = planRelease(state, candidate, at, UPLOAD_AUTHOR, uploaderOf(event));
    if (plan.kind === 'append') return { append: plan.entry, outcome: () => plan.entry.release };
    if (plan.kind === 'alreadyReleased') return { skip: plan.release };
    return {
      skip: rejection(
        `identical to release ${plan.release.label} of ${deployment.app}/${deployment.platform}/${deployment.channel} for runtime version ${checked.runtimeVersion}; nothing to release`,
      ),
    };
  });
  if (isRejection(release)) return release;
  deps.logger.info('expo release appended', { ...deployment, label: release.label, update_id: release.expo?.id });
  return {
    ...deployment,
    label: release.label,
    packageHash: release.packageHash,
    size: release.size,
    expo: { id: release.expo!.id, runtimeVersion: release.expo!.runtimeVersion },
  };
}
