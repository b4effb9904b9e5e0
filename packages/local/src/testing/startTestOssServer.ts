import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, type OssCredentials } from '@hotpatch/common';
import { publicReadPrefixes } from '@hotpatch/core';
import { createOssServer, type OssServer } from '../oss/createOssServer';
import { createOssTriggerDispatcher, type OssTriggerDispatcher } from '../triggers/createOssTriggerDispatcher';

export const TEST_CREDENTIALS: OssCredentials = { accessKeyId: 'test-key-id', accessKeySecret: 'test-key-secret' };
export const TEST_BUCKET = 'hotpatch-test';
export const TEST_PUBLIC_BUCKET = 'hotpatch-public';
/** Private ACL, anonymous read of content prefixes only (what production's bucket policy grants). */
export const TEST_POLICY_BUCKET = 'hotpatch-policy';

export interface TestOssServer extends OssServer {
  dataDir: string;
  triggers: OssTriggerDispatcher;
}

/** A local OSS server on a random port and a fresh folder: a private, a public-read and a content-prefix-readable bucket. */
export async function startTestOssServer(
  options: { dataDir?: string; credentials?: OssCredentials[]; retryDelaysMs?: number[] } = {},
): Promise<TestOssServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'hotpatch-oss-'));
  const logger = createLogger({
    service: 'local-oss',
    level: 'error',
    write: (line) => process.stderr.write(`${line}\n`),
  });
  const triggers = createOssTriggerDispatcher({ logger, retryDelaysMs: options.retryDelaysMs ?? [10, 20, 40] });
  const server = await createOssServer({
    dataDir,
    buckets: [
      { name: TEST_BUCKET, publicRead: false },
      { name: TEST_PUBLIC_BUCKET, publicRead: true },
      { name: TEST_POLICY_BUCKET, publicRead: false, anonymousReadPrefixes: publicReadPrefixes },
    ],
    credentials: options.credentials ?? [TEST_CREDENTIALS],
    region: 'oss-cn-hangzhou',
    accountId: '1234567890',
    triggers,
    logger,
  });
  return { ...server, dataDir, triggers };
}
