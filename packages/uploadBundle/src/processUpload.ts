import {
  appendToLog,
  buildBinaryPatches,
  buildCodePushDiffs,
  IMMUTABLE_CACHE_CONTROL,
  ObjectExistsError,
  readJson,
  StorageError,
  uploaderOf,
  type ObjectInfo,
  type ObjectStore,
  type OssObjectEvent,
} from '@hotpatch/common';
import {
  computePackageHash,
  decodeCodePushSignature,
  EXPO_APP_CONFIG_FILE,
  EXPO_METADATA_FILE,
  deploymentProblem,
  expectedBundleName,
  parseReleaseRequest,
  parseUploadKey,
  parseUploadOutcome,
  planRelease,
  storageKeys,
  type AppRecord,
  type DeploymentRef,
  type Release,
  type ReleaseCandidate,
  type ReleaseRequest,
  type UploadOutcome,
} from '@hotpatch/core';
import { downloadToTempFile, type TempFile } from './downloadToTempFile';
import { inspectZip, type ZipContents } from './inspectZip';
import { recordOutcome } from './recordOutcome';
import { isExpoUpload, releaseExpoUpload } from './releaseExpoUpload';
import {
  isRejection,
  putOnce,
  rejection,
  UPLOAD_AUTHOR,
  type Rejection,
  type Upload,
  type UploadDependencies,
} from './uploadSteps';

export type { UploadDependencies } from './uploadSteps';

const ZIP_MAGIC = [Buffer.from('PK\x03\x04'), Buffer.from('PK\x05\x06')];

const quote = JSON.stringify;
/** The root files of an Expo export that uploadBundle reads (every zip is read for them: they mark an export). */
const EXPO_ROOT_FILES = [EXPO_METADATA_FILE, EXPO_APP_CONFIG_FILE];

/** A package that passed every check: what the release will record. */
interface InspectedPackage {
  object: ObjectInfo;
  file: TempFile;
  /** Absent for a single bundle file. */
  contents: ZipContents | undefined;
  request: ReleaseRequest;
  app: AppRecord;
  packageHash: string;
  bundlePath: string;
}

/** The shallowest file named like the bundle (CodePush clients search the whole tree for it). */
function findBundle(contents: ZipContents, bundleName: string): string | undefined {
  return contents.files
    .map((file) => file.path)
    .filter((path) => path === bundleName || path.endsWith(`/${bundleName}`))
    .sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))[0];
}

/**
 * Turns one uploaded object into an immutable release, or records precisely why not. Idempotent: a retried
 * event for the same upload (key and ETag) returns the recorded outcome and never releases twice. Storage
 * failures propagate (the trigger is retried); refusals are recorded and returned.
 */
export async function processUpload(
  event: OssObjectEvent,
  deps: UploadDependencies,
): Promise<UploadOutcome | undefined> {
  const { store, logger, config } = deps;
  logger.appendKeys({ upload_key: event.key, etag: event.etag });
  logger.info('upload received', { size: event.size, event: event.eventName });

  const parsedKey = parseUploadKey(event.key, config.uploadPrefix);
  if (!event.key.startsWith(config.uploadPrefix)) {
    logger.warn('event outside the upload prefix ignored; check the trigger configuration', {
      prefix: config.uploadPrefix,
    });
    return undefined;
  }
  const uploadPath = event.key.slice(config.uploadPrefix.length);
  const statusKey = storageKeys.uploadStatus(uploadPath, event.etag || 'NO-ETAG');
  const recorded = await readJson(store, statusKey, parseUploadOutcome);
  if (recorded) {
    logger.info('upload already processed; returning its recorded outcome', { status: recorded.status });
    return recorded;
  }

  const at = deps.now().toISOString();
  const released =
    parsedKey.kind === 'ok'
      ? await releaseUpload({ event, key: parsedKey, at, deps })
      : rejection(...parsedKey.reasons);
  if (isRejection(released)) {
    logger.warn('upload rejected', { reasons: released.rejected });
    return recordOutcome(store, statusKey, {
      status: 'rejected',
      uploadKey: event.key,
      etag: event.etag,
      at,
      reasons: released.rejected,
    });
  }
  const outcome = await recordOutcome(store, statusKey, {
    status: 'accepted',
    uploadKey: event.key,
    etag: event.etag,
    at,
    release: released,
  });
  logger.info('outcome recorded', { status: outcome.status });
  return outcome;
}

/** The steps from a checked object to a published release (and its diffs), with the temp file cleaned up. */
async function releaseUpload(
  upload: Upload,
): Promise<Extract<UploadOutcome, { status: 'accepted' }>['release'] | Rejection> {
  const object = await checkUploadedObject(upload);
  if (isRejection(object)) return object;
  const file = await downloadToTempFile(upload.deps.store, upload.event.key, upload.deps.config.tempDirectory);
  if (!file) return rejection('the uploaded object no longer exists');
  try {
    upload.deps.logger.info('object downloaded', { bytes: file.size, sha256: file.sha256 });
    const contents = await readArchive(upload, file);
    if (isRejection(contents)) return contents;
    if (isExpoUpload(object, contents)) {
      const expo = await releaseExpoUpload(upload, object, file, contents);
      // Patches between launch assets: from the deployment's recent updates of the runtime and its registered builds.
      if (!isRejection(expo))
        await buildPatches(upload, { app: expo.app, platform: expo.platform, channel: expo.channel }, expo.label);
      return expo;
    }
    const inspected = await inspectPackage(upload, object, file, contents);
    if (isRejection(inspected)) return inspected;
    const content = await storeContent(upload, inspected);
    if (isRejection(content)) return content;
    const deployment: DeploymentRef = {
      app: inspected.app.name,
      platform: upload.key.platform,
      channel: inspected.request.channel,
    };
    const release = await appendRelease(upload, inspected, content, deployment);
    if (isRejection(release)) return release;
    await buildDiffs(upload, deployment, release);
    await buildPatches(upload, deployment, release.label);
    return {
      app: deployment.app,
      platform: deployment.platform,
      channel: deployment.channel,
      label: release.label,
      packageHash: inspected.packageHash,
      size: file.size,
    };
  } finally {
    await file.remove();
  }
}

/** The object as it is now: still the uploaded version (same ETag), not empty, within the size limit. */
async function checkUploadedObject({ event, deps }: Upload): Promise<ObjectInfo | Rejection> {
  const object = await deps.store.head(event.key);
  if (!object) return rejection('the uploaded object no longer exists');
  if (event.etag && object.etag !== event.etag) {
    return rejection(
      `the object was replaced after this upload (ETag ${event.etag}, now ${object.etag}); the newer upload is processed by its own event`,
    );
  }
  if (object.size === 0) return rejection('the uploaded object is empty');
  const limit = deps.config.limits.maxUploadBytes;
  if (object.size > limit) return rejection(`the upload is ${object.size} bytes, more than the limit of ${limit}`);
  return object;
}

/** A zip read defensively (a bundle file as it is); undefined for a bundle file. */
async function readArchive({ key, deps }: Upload, file: TempFile): Promise<ZipContents | undefined | Rejection> {
  const isZip = ZIP_MAGIC.some((magic) => file.head.subarray(0, 4).equals(magic));
  if (key.format !== 'zip')
    return isZip
      ? rejection(`the upload is a zip archive but is named ${quote(key.fileName)}; name it .zip`)
      : undefined;
  if (!isZip) return rejection('the upload is named .zip but is not a zip archive');
  const inspection = await inspectZip(file.path, file.size, deps.config.limits, EXPO_ROOT_FILES);
  return inspection.ok ? inspection.contents : rejection(...inspection.reasons);
}

/**
 * Every check of the package against its release request and the registry: metadata, app and channel, the
 * bundle file, a signature's content hash. All the reasons at once, so one rejection says everything.
 */
async function inspectPackage(
  { key, deps }: Upload,
  object: ObjectInfo,
  file: TempFile,
  contents: ZipContents | undefined,
): Promise<InspectedPackage | Rejection> {
  const reasons: string[] = [];
  const parsedRequest = parseReleaseRequest(object.metadata, contents?.hotpatchJson);
  if (parsedRequest.kind !== 'ok') reasons.push(...parsedRequest.reasons);
  const request = parsedRequest.kind === 'ok' ? parsedRequest.request : undefined;

  const app = await deps.registry.get(key.app);
  if (!app) reasons.push(`unknown app ${quote(key.app)}: register it first (hotpatch app add ${key.app})`);
  else if (request) {
    const problem = deploymentProblem(app, key.platform, request.channel);
    if (problem) reasons.push(problem);
  }

  const packageHash = contents ? computePackageHash(contents.files) : file.sha256;
  const bundleName = expectedBundleName(key.platform, request?.bundleName);
  const bundlePath = contents ? findBundle(contents, bundleName) : key.fileName;
  if (contents && !bundlePath)
    reasons.push(`no bundle file: expected ${bundleName} somewhere in the zip (or set bundle-name)`);
  if (contents?.signature) {
    const decoded = decodeCodePushSignature(contents.signature.jwt);
    if (decoded.kind !== 'ok') reasons.push(...decoded.reasons);
    else if (decoded.claims.contentHash !== packageHash)
      reasons.push(
        `the signature's contentHash ${decoded.claims.contentHash} does not match the package hash ${packageHash}`,
      );
  }
  if (reasons.length > 0 || !request || !app || bundlePath === undefined) return rejection(...reasons);
  deps.logger.info('package inspected', {
    package_hash: packageHash,
    files: contents?.files.length ?? 1,
    bundle: bundlePath,
    signed: Boolean(contents?.signature),
  });
  return { object, file, contents, request, app, packageHash, bundlePath };
}

/**
 * Content first: immutable, addressed by the SHA-256 of these exact bytes (not the package hash, which a
 * re-zipped or signed upload of the same files shares), so the release serves what it records.
 */
async function storeContent(
  { event, key, deps }: Upload,
  inspected: InspectedPackage,
): Promise<{ contentKey: string; manifestKey: string | undefined } | Rejection> {
  const { object, file, contents, packageHash } = inspected;
  const extension = key.fileName.slice(key.fileName.lastIndexOf('.'));
  const contentKey = storageKeys.packageContent(file.sha256, contents ? 'package.zip' : `bundle${extension}`);
  const manifestKey = contents ? storageKeys.packageManifest(file.sha256) : undefined;
  // A server-side copy of exactly the version we inspected: no bytes travel through the function again.
  if (
    !(await copyOnce(
      deps.store,
      event.key,
      object.etag,
      contentKey,
      contents ? 'application/zip' : 'application/javascript',
    ))
  ) {
    return rejection(
      `the object was replaced while it was being processed (ETag ${object.etag}); the newer upload is processed by its own event`,
    );
  }
  if (contents && manifestKey)
    await putOnce(
      deps.store,
      manifestKey,
      Buffer.from(JSON.stringify({ packageHash, files: contents.files })),
      'application/json',
    );
  deps.logger.info('content stored', { content_key: contentKey });
  return { contentKey, manifestKey };
}

/** Then the log entry and the catalog; a retried event finds its release again by `uploadId`. */
async function appendRelease(
  { event, at, deps }: Upload,
  inspected: InspectedPackage,
  content: { contentKey: string; manifestKey: string | undefined },
  deployment: DeploymentRef,
): Promise<Release | Rejection> {
  const { file, contents, request } = inspected;
  const candidate: ReleaseCandidate = {
    packageHash: inspected.packageHash,
    archiveSha256: file.sha256,
    contentKey: content.contentKey,
    contentKind: contents ? 'zip' : 'bundle',
    manifestKey: content.manifestKey,
    size: file.size,
    bundlePath: inspected.bundlePath,
    targetBinaryRange: request.targetBinaryRange,
    description: request.description,
    mandatory: request.mandatory,
    rollout: request.rollout,
    disabled: request.disabled,
    signed: Boolean(contents?.signature),
    uploadId: `${event.key}@${event.etag}`,
  };
  const release = await appendToLog<Release | Rejection>(deps.store, deployment, (state) => {
    const plan = planRelease(state, candidate, at, UPLOAD_AUTHOR, uploaderOf(event));
    if (plan.kind === 'append') return { append: plan.entry, outcome: () => plan.entry.release };
    if (plan.kind === 'alreadyReleased') return { skip: plan.release };
    return {
      skip: rejection(
        `identical to release ${plan.release.label} of ${deployment.app}/${deployment.platform}/${deployment.channel} for ${plan.release.targetBinaryRange}; nothing to release`,
      ),
    };
  });
  if (!isRejection(release))
    deps.logger.info('release appended', {
      app: deployment.app,
      platform: deployment.platform,
      channel: deployment.channel,
      label: release.label,
    });
  return release;
}

/**
 * Diffs from earlier releases, so phones download kilobytes. Storage failures retry the event (the release is
 * found again by its uploadId); anything else costs only the diffs: phones get the full package.
 */
async function buildDiffs({ event, deps }: Upload, deployment: DeploymentRef, release: Release): Promise<void> {
  try {
    await buildCodePushDiffs(deps.store, deployment, release.label, {
      logger: deps.logger,
      tempDirectory: deps.config.tempDirectory,
      by: UPLOAD_AUTHOR,
      actor: uploaderOf(event),
      now: deps.now,
    });
  } catch (error) {
    if (error instanceof StorageError) throw error;
    deps.logger.warn('diff packages not built', { label: release.label, error });
  }
}

/** Binary patches from the deployment's recent releases and registered builds; without them phones download the full package. */
async function buildPatches({ event, deps }: Upload, deployment: DeploymentRef, label: string): Promise<void> {
  try {
    await buildBinaryPatches(deps.store, deployment, label, {
      logger: deps.logger,
      settings: deps.config.patches,
      tempDirectory: deps.config.tempDirectory,
      by: UPLOAD_AUTHOR,
      actor: uploaderOf(event),
      now: deps.now,
      deadline: new Date(deps.now().getTime() + deps.config.patches.timeBudgetMs),
      ...(deps.patchEngine ? { engine: deps.patchEngine } : {}),
    });
  } catch (error) {
    if (error instanceof StorageError) throw error;
    deps.logger.warn('binary patches not built', { label, error });
  }
}

/**
 * Copies the upload to its content key unless that content is already stored (the key is the SHA-256 of the
 * bytes, so what is there is these bytes). False when the upload no longer has the ETag we inspected (it was
 * replaced mid-way).
 */
async function copyOnce(
  store: ObjectStore,
  sourceKey: string,
  sourceEtag: string,
  key: string,
  contentType: string,
): Promise<boolean> {
  if (await store.head(key)) return true;
  try {
    return (
      (await store.copy(sourceKey, key, {
        forbidOverwrite: true,
        ifSourceEtag: sourceEtag,
        contentType,
        metadata: {},
        cacheControl: IMMUTABLE_CACHE_CONTROL,
      })) !== null
    );
  } catch (error) {
    if (error instanceof ObjectExistsError) return true;
    throw error;
  }
}
