import { appendToLog, buildCodePushDiffs, ObjectExistsError, readJson, StorageError, uploaderOf, type AppRegistry, type Logger, type ObjectStore, type OssObjectEvent } from '@hotpatch/common';
import {
  computePackageHash,
  decodeCodePushSignature,
  deploymentProblem,
  expectedBundleName,
  parseReleaseRequest,
  parseUploadKey,
  parseUploadOutcome,
  planRelease,
  storageKeys,
  type DeploymentRef,
  type Release,
  type ReleaseCandidate,
  type UploadOutcome,
} from '@hotpatch/core';
import { downloadToTempFile, type TempFile } from './downloadToTempFile';
import { inspectZip, type ZipContents } from './inspectZip';
import type { UploadConfig } from './loadUploadConfig';
import { recordOutcome } from './recordOutcome';

export interface UploadDependencies {
  store: ObjectStore;
  registry: AppRegistry;
  config: UploadConfig;
  logger: Logger;
  now: () => Date;
}

/** Who the release log records as the author of uploads. */
const UPLOAD_AUTHOR = 'uploadBundle';
const ZIP_MAGIC = [Buffer.from('PK\x03\x04'), Buffer.from('PK\x05\x06')];

/** A step refused the upload for these reasons; nothing was published. */
class UploadRejected extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
  }
}

const quote = JSON.stringify;

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
export async function processUpload(event: OssObjectEvent, deps: UploadDependencies): Promise<UploadOutcome | undefined> {
  const { store, logger, config } = deps;
  logger.appendKeys({ upload_key: event.key, etag: event.etag });
  logger.info('upload received', { size: event.size, event: event.eventName });

  const parsedKey = parseUploadKey(event.key, config.uploadPrefix);
  if (!event.key.startsWith(config.uploadPrefix)) {
    logger.warn('event outside the upload prefix ignored; check the trigger configuration', { prefix: config.uploadPrefix });
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
  const reject = async (reasons: string[]): Promise<UploadOutcome> => {
    logger.warn('upload rejected', { reasons });
    return recordOutcome(store, statusKey, { status: 'rejected', uploadKey: event.key, etag: event.etag, at, reasons });
  };
  if (parsedKey.kind !== 'ok') return reject(parsedKey.reasons);

  const object = await store.head(event.key);
  if (!object) return reject(['the uploaded object no longer exists']);
  if (event.etag && object.etag !== event.etag) {
    return reject([`the object was replaced after this upload (ETag ${event.etag}, now ${object.etag}); the newer upload is processed by its own event`]);
  }
  if (object.size === 0) return reject(['the uploaded object is empty']);
  if (object.size > config.limits.maxUploadBytes) return reject([`the upload is ${object.size} bytes, more than the limit of ${config.limits.maxUploadBytes}`]);

  let temp: TempFile | null = null;
  try {
    temp = await downloadToTempFile(store, event.key, config.tempDirectory);
    if (!temp) return reject(['the uploaded object no longer exists']);
    logger.info('object downloaded', { bytes: temp.size, sha256: temp.sha256 });

    const isZip = ZIP_MAGIC.some((magic) => temp!.head.subarray(0, 4).equals(magic));
    let contents: ZipContents | undefined;
    if (parsedKey.format === 'zip') {
      if (!isZip) return reject(['the upload is named .zip but is not a zip archive']);
      const inspection = await inspectZip(temp.path, temp.size, config.limits);
      if (!inspection.ok) return reject(inspection.reasons);
      contents = inspection.contents;
    } else if (isZip) {
      return reject([`the upload is a zip archive but is named ${quote(parsedKey.fileName)}; name it .zip`]);
    }

    const reasons: string[] = [];
    const parsedRequest = parseReleaseRequest(object.metadata, contents?.hotpatchJson);
    if (parsedRequest.kind !== 'ok') reasons.push(...parsedRequest.reasons);
    const request = parsedRequest.kind === 'ok' ? parsedRequest.request : undefined;

    const app = await deps.registry.get(parsedKey.app);
    if (!app) reasons.push(`unknown app ${quote(parsedKey.app)}: register it first (hotpatch app add ${parsedKey.app})`);
    else if (request) {
      const problem = deploymentProblem(app, parsedKey.platform, request.channel);
      if (problem) reasons.push(problem);
    }

    const packageHash = contents ? computePackageHash(contents.files) : temp.sha256;
    const bundleName = expectedBundleName(parsedKey.platform, request?.bundleName);
    const bundlePath = contents ? findBundle(contents, bundleName) : parsedKey.fileName;
    if (contents && !bundlePath) reasons.push(`no bundle file: expected ${bundleName} somewhere in the zip (or set bundle-name)`);
    if (contents?.signature) {
      const decoded = decodeCodePushSignature(contents.signature.jwt);
      if (decoded.kind !== 'ok') reasons.push(...decoded.reasons);
      else if (decoded.claims.contentHash !== packageHash) reasons.push(`the signature's contentHash ${decoded.claims.contentHash} does not match the package hash ${packageHash}`);
    }
    if (reasons.length > 0 || !request || !app) return reject(reasons);
    logger.info('package inspected', { package_hash: packageHash, files: contents?.files.length ?? 1, bundle: bundlePath, signed: Boolean(contents?.signature) });

    // Content first: immutable, addressed by the SHA-256 of these exact bytes (not the package hash, which a
    // re-zipped or signed upload of the same files shares), so the release serves what it records.
    const extension = parsedKey.fileName.slice(parsedKey.fileName.lastIndexOf('.'));
    const contentKey = storageKeys.packageContent(temp.sha256, contents ? 'package.zip' : `bundle${extension}`);
    const manifestKey = contents ? storageKeys.packageManifest(temp.sha256) : undefined;
    // A server-side copy of exactly the version we inspected: no bytes travel through the function again.
    if (!(await copyOnce(store, event.key, object.etag, contentKey, contents ? 'application/zip' : 'application/javascript'))) {
      return reject([`the object was replaced while it was being processed (ETag ${object.etag}); the newer upload is processed by its own event`]);
    }
    if (manifestKey) await putOnce(store, manifestKey, Buffer.from(JSON.stringify({ packageHash, files: contents!.files })), 'application/json');
    logger.info('content stored', { content_key: contentKey });

    // Then the log entry and the catalog.
    const deployment: DeploymentRef = { app: app.name, platform: parsedKey.platform, channel: request.channel };
    const candidate: ReleaseCandidate = {
      packageHash,
      archiveSha256: temp.sha256,
      contentKey,
      contentKind: contents ? 'zip' : 'bundle',
      manifestKey,
      size: temp.size,
      bundlePath: bundlePath!,
      targetBinaryRange: request.targetBinaryRange,
      description: request.description,
      mandatory: request.mandatory,
      rollout: request.rollout,
      disabled: request.disabled,
      signed: Boolean(contents?.signature),
      uploadId: `${event.key}@${event.etag}`,
    };
    const release = await appendToLog<Release>(store, deployment, (state) => {
      const plan = planRelease(state, candidate, at, UPLOAD_AUTHOR, uploaderOf(event));
      if (plan.kind === 'append') return { append: plan.entry, outcome: () => plan.entry.release };
      if (plan.kind === 'alreadyReleased') return { skip: plan.release };
      throw new UploadRejected([`identical to release ${plan.release.label} of ${deployment.app}/${deployment.platform}/${deployment.channel} for ${plan.release.targetBinaryRange}; nothing to release`]);
    });
    logger.info('release appended', { app: deployment.app, platform: deployment.platform, channel: deployment.channel, label: release.label });

    // Diffs from earlier releases, so phones download kilobytes. Storage failures retry the event (the release
    // is found again by its uploadId); anything else costs only the diffs: phones get the full package.
    try {
      await buildCodePushDiffs(store, deployment, release.label, { logger, tempDirectory: config.tempDirectory, by: UPLOAD_AUTHOR, actor: uploaderOf(event), now: deps.now });
    } catch (error) {
      if (error instanceof StorageError) throw error;
      logger.warn('diff packages not built', { label: release.label, error });
    }

    const outcome = await recordOutcome(store, statusKey, {
      status: 'accepted',
      uploadKey: event.key,
      etag: event.etag,
      at,
      release: { app: deployment.app, platform: deployment.platform, channel: deployment.channel, label: release.label, packageHash, size: temp.size },
    });
    logger.info('outcome recorded', { status: outcome.status });
    return outcome;
  } catch (error) {
    if (error instanceof UploadRejected) return reject(error.reasons);
    throw error;
  } finally {
    await temp?.remove();
  }
}

/** Writes immutable content unless it is already there (same key, same bytes). */
async function putOnce(store: ObjectStore, key: string, body: Buffer, contentType: string): Promise<void> {
  if (await store.head(key)) return;
  try {
    await store.put(key, body, { contentType, forbidOverwrite: true });
  } catch (error) {
    if (!(error instanceof ObjectExistsError)) throw error;
  }
}

/**
 * Copies the upload to its content key unless that content is already stored (the key is the SHA-256 of the
 * bytes, so what is there is these bytes). False when the upload no longer has the ETag we inspected (it was
 * replaced mid-way).
 */
async function copyOnce(store: ObjectStore, sourceKey: string, sourceEtag: string, key: string, contentType: string): Promise<boolean> {
  if (await store.head(key)) return true;
  try {
    return (await store.copy(sourceKey, key, { forbidOverwrite: true, ifSourceEtag: sourceEtag, contentType, metadata: {} })) !== null;
  } catch (error) {
    if (error instanceof ObjectExistsError) return true;
    throw error;
  }
}
