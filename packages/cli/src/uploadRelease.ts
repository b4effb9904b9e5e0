import OSS from 'ali-oss';
import { randomBytes } from 'node:crypto';
import { releaseRequestToMetadata, type ReleaseRequest } from '@hotpatch/core';
import { CliError } from './CliError';
import type { CliConfig } from './loadCliConfig';
import type { Output } from './Output';
import type { PackagedRelease } from './packageRelease';

/** Above this, uploads go in parts (resumable, with a progress bar on a terminal). */
const MULTIPART_THRESHOLD_BYTES = 8 * 1024 * 1024;
const PART_BYTES = 1024 * 1024;

function uploadName(extension: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}${extension}`;
}

/**
 * Uploads the package under `<upload prefix><app>/<platform>/` with ali-oss, the validated request as its
 * `x-oss-meta-*` headers, and returns its key and ETag.
 */
export async function uploadRelease(
  config: CliConfig,
  release: PackagedRelease,
  target: { app: string; platform: string },
  request: ReleaseRequest,
  output: Output,
): Promise<{ key: string; etag: string }> {
  const client = new OSS({
    bucket: config.oss.bucket,
    region: config.oss.region,
    ...(config.oss.endpoint ? { endpoint: config.oss.endpoint } : {}),
    accessKeyId: config.oss.accessKeyId,
    accessKeySecret: config.oss.accessKeySecret,
    ...(config.oss.securityToken
      ? {
          stsToken: config.oss.securityToken,
          refreshSTSTokenInterval: 3_600_000,
          refreshSTSToken: async () => ({
            accessKeyId: config.oss.accessKeyId,
            accessKeySecret: config.oss.accessKeySecret,
            stsToken: config.oss.securityToken!,
          }),
        }
      : {}),
    timeout: 120_000,
  });
  const key = `${config.uploadPrefix}${target.app}/${target.platform}/${uploadName(release.extension, new Date())}`;
  const meta = releaseRequestToMetadata(request);
  const headers = { 'x-oss-forbid-overwrite': 'true' };
  try {
    if (release.size > MULTIPART_THRESHOLD_BYTES) {
      await client.multipartUpload(key, release.file, {
        partSize: PART_BYTES,
        meta,
        headers,
        progress: async (fraction: number) => output.progress(fraction, 'uploading'),
      } as unknown as OSS.MultipartUploadOptions);
    } else {
      await client.put(key, release.file, { meta, headers } as unknown as OSS.PutObjectOptions);
    }
    const head = await client.head(key);
    return { key, etag: String((head.res.headers as Record<string, string>).etag).replace(/"/g, '') };
  } catch (error) {
    const ossError = error as { code?: string; status?: number; message?: string };
    throw new CliError(
      `upload to oss://${config.oss.bucket}/${key} failed: ${ossError.code ?? 'error'} ${ossError.status ?? ''} ${ossError.message ?? ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
}
