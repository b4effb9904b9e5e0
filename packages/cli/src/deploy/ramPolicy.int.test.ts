import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@hotpatch/common';
import { DEFAULT_UPLOAD_PREFIX, storageKeys } from '@hotpatch/core';
import { DEV_CREDENTIALS, type LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runCli } from '../runCli';
import { allows, ramPolicy, type PolicyDocument } from './ossPolicies';

/**
 * Every OSS request the functions, the CLI's uploader and the download signer make during a full life cycle
 * (app and channel management, key rotation, a small and a multipart release, promote, patch, rollback,
 * history, metrics, checks, a device downloading through a signed URL and CodePush reports) must be allowed
 * by the RAM policy of whoever made it, and every action the policies grant must be used: the policies are
 * exactly what the code needs. Download mode `signed` with signer keys, so the signer's requests are the
 * presigned ones (the only pair the local OSS server accepts signs them).
 */
interface OssRequest {
  method: string;
  url: string;
}

const requests: OssRequest[] = [];
let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-ram-'));

beforeAll(async () => {
  const logger = createLogger({
    service: 'local',
    level: 'debug',
    write: (line) => {
      const entry = JSON.parse(line) as { message?: string; method?: string; url?: string };
      if (entry.message === 'oss request') requests.push({ method: entry.method!, url: entry.url! });
    },
  });
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    logger,
    functionEnv: {
      HOTPATCH_CATALOG_TTL_SECONDS: '0',
      HOTPATCH_DOWNLOAD_MODE: 'signed',
      HOTPATCH_DOWNLOAD_SIGNER_KEY_ID: DEV_CREDENTIALS.accessKeyId,
      HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: DEV_CREDENTIALS.accessKeySecret,
    },
  });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
});

afterAll(() => stack.close());

async function hotpatch(...args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--json'], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, json: stdout ? JSON.parse(stdout) : undefined, stderr };
}

function folder(name: string, bytes: Buffer): string {
  const dir = path.join(work, name, 'CodePush');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'main.jsbundle'), bytes);
  return dir;
}

/** The RAM action and resource an OSS request needs (OSS's API-to-action table). */
function needed(request: OssRequest, bucket: string): { action: string; resource: string; key: string } {
  const [rawPath = '/', search = ''] = request.url.split('?');
  const query = new URLSearchParams(search);
  let key = decodeURIComponent(rawPath.slice(1));
  if (key === bucket || key.startsWith(`${bucket}/`)) key = key.slice(bucket.length + 1);
  if (key === '') {
    if (request.method === 'GET') return { action: 'oss:ListObjects', resource: `acs:oss:*:*:${bucket}`, key };
    if (request.method === 'POST' && query.has('delete'))
      return { action: 'oss:DeleteObject', resource: `acs:oss:*:*:${bucket}/*`, key };
    throw new Error(`unexpected bucket request ${request.method} ${request.url}`);
  }
  const resource = `acs:oss:*:*:${bucket}/${key}`;
  switch (request.method) {
    case 'GET':
    case 'HEAD':
      return { action: 'oss:GetObject', resource, key };
    case 'PUT':
    case 'POST': // InitiateMultipartUpload, UploadPart, CompleteMultipartUpload, CopyObject's target: all oss:PutObject
      return { action: 'oss:PutObject', resource, key };
    case 'DELETE':
      return { action: query.has('uploadId') ? 'oss:AbortMultipartUpload' : 'oss:DeleteObject', resource, key };
    default:
      throw new Error(`unexpected request ${request.method} ${request.url}`);
  }
}

const actionsOf = (policy: PolicyDocument): string[] =>
  [...new Set(policy.Statement.flatMap((statement) => statement.Action))].sort();

describe('RAM policies against what the code really calls', () => {
  it('runs a full life cycle through the CLI and the functions', async () => {
    expect((await hotpatch('app', 'add', 'shop', '--platforms', 'ios')).code).toBe(0);
    expect((await hotpatch('channel', 'add', 'shop', 'beta')).code).toBe(0);
    expect((await hotpatch('key', 'rotate', 'shop', 'beta')).code).toBe(0);
    expect((await hotpatch('channel', 'rm', 'shop', 'beta')).code).toBe(0);
    expect(
      (
        await hotpatch(
          'release',
          folder('small', Buffer.from('console.log(1)')),
          '--app',
          'shop',
          '--platform',
          'ios',
          '--target',
          '^1.0.0',
        )
      ).json,
    ).toMatchObject({ status: 'accepted' });
    // Random bytes do not compress: the zip is above the CLI's 8 MB multipart threshold.
    const big = await hotpatch(
      'release',
      folder('big', randomBytes(9 * 1024 * 1024)),
      '--app',
      'shop',
      '--platform',
      'ios',
      '--target',
      '^1.0.0',
    );
    expect(big.json).toMatchObject({ status: 'accepted' });
    expect(requests.some((request) => request.method === 'POST' && request.url.includes('uploads'))).toBe(true);
    expect(
      (await hotpatch('promote', '--app', 'shop', '--platform', 'ios', '--from', 'staging', '--to', 'production')).code,
    ).toBe(0);
    const patched = await hotpatch(
      'patch',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--label',
      'v1',
      '--description',
      'patched',
    );
    expect([patched.code, patched.stderr]).toEqual([0, '']);
    expect((await hotpatch('rollback', '--app', 'shop', '--platform', 'ios', '--channel', 'staging')).code).toBe(0);
    expect((await hotpatch('history', '--app', 'shop', '--platform', 'ios', '--channel', 'staging')).code).toBe(0);
    expect(
      (await hotpatch('check', '--app', 'shop', '--platform', 'ios', '--channel', 'staging', '--app-version', '1.0.0'))
        .code,
    ).toBe(0);
    // A device downloads what the check hands it: a presigned URL, signed by the signer's keys.
    const check = (await (
      await fetch(`${stack.apiUrl}/v1/check?app=shop&platform=ios&channel=staging&appVersion=1.0.0&clientId=device-1`)
    ).json()) as { release: { url: string } };
    expect(new URL(check.release.url).searchParams.get('OSSAccessKeyId')).toBe(DEV_CREDENTIALS.accessKeyId);
    expect((await fetch(check.release.url)).status).toBe(200);
    const shown = await hotpatch('app', 'show', 'shop');
    const deploymentKey = shown.json.app.channels.staging.deploymentKeys.ios as string;
    const report = await fetch(`${stack.apiUrl}/v0.1/public/codepush/report_status/deploy`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        deployment_key: deploymentKey,
        app_version: '1.0.0',
        label: 'v1',
        status: 'DeploymentSucceeded',
        client_unique_id: 'device-1',
      }),
    });
    expect(report.status).toBeLessThan(300);
    expect((await hotpatch('metrics', '--app', 'shop', '--platform', 'ios', '--channel', 'staging')).code).toBe(0);
    await stack.triggers.idle();
  });

  it("allows every request: uploader writes under the upload prefix, presigned downloads by the signer, everything else by the functions' role", () => {
    const policies = {
      functions: ramPolicy('functions', stack.bucket, DEFAULT_UPLOAD_PREFIX),
      uploader: ramPolicy('uploader', stack.bucket, DEFAULT_UPLOAD_PREFIX),
      signer: ramPolicy('signer', stack.bucket, DEFAULT_UPLOAD_PREFIX),
    };
    const { functions, uploader, signer } = policies;
    const refused: string[] = [];
    const used = { functions: new Set<string>(), uploader: new Set<string>(), signer: new Set<string>() };
    for (const request of requests) {
      const { action, resource, key } = needed(request, stack.bucket);
      // Functions and the CLI sign in headers; only download URLs carry their signature in the query.
      const presigned = /[?&](OSSAccessKeyId|x-oss-credential)=/i.test(request.url);
      // No function writes under the upload prefix (it is the trigger's inbox): such writes are the uploader's.
      const subject = presigned
        ? 'signer'
        : key.startsWith(DEFAULT_UPLOAD_PREFIX) && action !== 'oss:GetObject'
          ? 'uploader'
          : 'functions';
      const policy = policies[subject];
      if (!allows(policy, action, resource))
        refused.push(`${subject}: ${action} ${resource} (${request.method} ${request.url})`);
      used[subject].add(action);
      // The uploader reads its own upload back (HeadObject) to learn the ETag.
      if (key.startsWith(DEFAULT_UPLOAD_PREFIX) && request.method === 'HEAD') used.uploader.add(action);
    }
    expect(refused).toEqual([]);
    expect([...used.functions].sort()).toEqual(actionsOf(functions));
    expect([...used.uploader].sort()).toEqual(actionsOf(uploader));
    expect([...used.signer].sort()).toEqual(actionsOf(signer));
  });

  it('refuses what the code never needs: deleting anything but deployment keys, writing outside the upload prefix as the uploader, the signer reading private state, anyone but the functions reading Expo signing keys', () => {
    const functions = ramPolicy('functions', 'b', DEFAULT_UPLOAD_PREFIX);
    const uploader = ramPolicy('uploader', 'b', DEFAULT_UPLOAD_PREFIX);
    const signer = ramPolicy('signer', 'b', DEFAULT_UPLOAD_PREFIX);
    expect(allows(signer, 'oss:GetObject', 'acs:oss:*:*:b/packages/abc/package.zip')).toBe(true);
    expect(allows(signer, 'oss:GetObject', 'acs:oss:*:*:b/diffs/abc/def.zip')).toBe(true);
    expect(allows(signer, 'oss:GetObject', 'acs:oss:*:*:b/apps/shop.json')).toBe(false);
    expect(allows(signer, 'oss:GetObject', 'acs:oss:*:*:b/uploads/shop/ios/a.zip')).toBe(false);
    expect(allows(signer, 'oss:PutObject', 'acs:oss:*:*:b/packages/abc/package.zip')).toBe(false);
    expect(allows(functions, 'oss:DeleteObject', 'acs:oss:*:*:b/deployment-keys/k.json')).toBe(true);
    expect(allows(functions, 'oss:DeleteObject', 'acs:oss:*:*:b/logs/shop/ios/staging/0000000001.json')).toBe(false);
    expect(allows(functions, 'oss:ListObjects', 'acs:oss:*:*:b')).toBe(true);
    expect(allows(uploader, 'oss:PutObject', 'acs:oss:*:*:b/apps/shop.json')).toBe(false);
    expect(allows(uploader, 'oss:ListObjects', 'acs:oss:*:*:b')).toBe(false);
    // Sealed Expo signing keys: getLatestBundle reads them; neither the uploader nor the signer may read or write them.
    const sealedKey = `acs:oss:*:*:b/${storageKeys.expoSigningKey('shop')}`;
    expect(allows(functions, 'oss:GetObject', sealedKey)).toBe(true);
    for (const policy of [uploader, signer])
      for (const action of ['oss:GetObject', 'oss:PutObject']) expect(allows(policy, action, sealedKey)).toBe(false);
  });
});
