import OSS from 'ali-oss';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { readJson } from '@hotpatch/common';
import { parseUploadOutcome, storageKeys } from '@hotpatch/core';
import { makeZip } from '@hotpatch/upload-bundle/testing';
import type { LocalStack, LocalStackOptions } from './createLocalStack';
import { DEV_CREDENTIALS } from './loadLocalStackSettings';
import { startTestStack } from './testing';

const stacks: LocalStack[] = [];

async function start(overrides: Partial<LocalStackOptions>): Promise<LocalStack> {
  const stack = await startTestStack(overrides);
  stacks.push(stack);
  await stack.registry.create({ name: 'demo', platforms: ['ios', 'android'] });
  return stack;
}

afterAll(async () => {
  await Promise.all(stacks.map((stack) => stack.close()));
});

/** Uploads as `ossutil cp` would and returns uploadBundle's outcome (null when no trigger fired). */
async function upload(stack: LocalStack, key: string, body: Buffer, meta: Record<string, string>) {
  const client = new OSS({ endpoint: stack.ossUrl, bucket: stack.bucket, ...DEV_CREDENTIALS });
  const result = await client.put(key, body, { meta } as unknown as OSS.PutObjectOptions);
  const etag = String((result.res.headers as Record<string, string>).etag).replace(/"/g, '');
  await stack.triggers.idle();
  return readJson(
    stack.oss.store(stack.bucket),
    storageKeys.uploadStatus(key.slice(stack.uploadPrefix.length), etag),
    parseUploadOutcome,
  );
}

async function check(stack: LocalStack): Promise<{ status: string; release?: { label: string; url: string } }> {
  const response = await fetch(
    `${stack.apiUrl}/v1/check?app=demo&platform=android&channel=staging&appVersion=1.4.0&clientId=device-1`,
  );
  return (await response.json()) as { status: string; release?: { label: string; url: string } };
}

describe('npm start passes the function settings through', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await start({
      settingsEnv: {
        HOTPATCH_MAX_UPLOAD_MB: '1',
        HOTPATCH_UPLOAD_PREFIX: 'inbox/',
        // Where storage is belongs to the stack: these must not move it.
        HOTPATCH_OSS_ENDPOINT: 'http://127.0.0.1:9',
        HOTPATCH_STORAGE: 'memory',
        PATH: '/nowhere',
      },
    });
  });

  it('watches the configured upload prefix, the one uploadBundle accepts', async () => {
    expect(stack.uploadPrefix).toBe('inbox/');
    expect(stack.functionEnv).toMatchObject({
      HOTPATCH_UPLOAD_PREFIX: 'inbox/',
      HOTPATCH_MAX_UPLOAD_MB: '1',
      HOTPATCH_STORAGE: 'oss',
      HOTPATCH_OSS_ENDPOINT: stack.ossUrl,
    });
    expect(stack.functionEnv.PATH).toBeUndefined();
    const zip = await makeZip({ 'index.android.bundle': 'via the inbox' });
    expect(await upload(stack, 'inbox/demo/android/first.zip', zip, { target: '1.x' })).toMatchObject({
      status: 'accepted',
      release: { label: 'v1' },
    });
    // The default prefix is no longer an inbox: nothing processes an upload there.
    const client = new OSS({ endpoint: stack.ossUrl, bucket: stack.bucket, ...DEV_CREDENTIALS });
    await client.put('uploads/demo/android/ignored.zip', zip, {
      meta: { target: '1.x' },
    } as unknown as OSS.PutObjectOptions);
    await stack.triggers.idle();
    expect((await stack.oss.store(stack.bucket).list({ prefix: 'upload-status/' })).objects).toHaveLength(1);
  });

  it('applies the configured upload limit', async () => {
    const zip = await makeZip({ 'index.android.bundle': randomBytes(1536 * 1024) });
    const outcome = await upload(stack, 'inbox/demo/android/big.zip', zip, { target: '1.x' });
    expect(outcome).toMatchObject({
      status: 'rejected',
      reasons: [`the upload is ${zip.length} bytes, more than the limit of ${1024 * 1024}`],
    });
  });

  it('refuses to start with a malformed function setting, naming it', async () => {
    await expect(startTestStack({ settingsEnv: { HOTPATCH_UPLOAD_PREFIX: '../escape/' } })).rejects.toThrow(
      'HOTPATCH_UPLOAD_PREFIX',
    );
  });
});

describe('the local stack shows changes at once', () => {
  it('answers a new release on the very next check (catalog TTL 0 by default)', async () => {
    const stack = await start({});
    expect(stack.functionEnv.HOTPATCH_CATALOG_TTL_SECONDS).toBe('0');
    await upload(stack, 'uploads/demo/android/v1.zip', await makeZip({ 'index.android.bundle': 'one' }), {
      target: '1.x',
    });
    expect(await check(stack)).toMatchObject({ status: 'update', release: { label: 'v1' } });
    await upload(stack, 'uploads/demo/android/v2.zip', await makeZip({ 'index.android.bundle': 'two' }), {
      target: '1.x',
    });
    expect(await check(stack)).toMatchObject({ status: 'update', release: { label: 'v2' } });
  });

  it('keeps an operator-given TTL', async () => {
    const stack = await start({ settingsEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '30' } });
    await upload(stack, 'uploads/demo/android/v1.zip', await makeZip({ 'index.android.bundle': 'one' }), {
      target: '1.x',
    });
    expect(await check(stack)).toMatchObject({ release: { label: 'v1' } });
    await upload(stack, 'uploads/demo/android/v2.zip', await makeZip({ 'index.android.bundle': 'two' }), {
      target: '1.x',
    });
    expect(await check(stack)).toMatchObject({ release: { label: 'v1' } });
  });
});

/** A GET to 127.0.0.1 with the Host header a device sends. */
function getAs(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      { host: '127.0.0.1', port: target.port, path: target.pathname, headers: { host } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('a local stack devices can reach (HOTPATCH_HOST, HOTPATCH_PUBLIC_URL)', () => {
  it('binds every interface and hands out download links on the public host with the stack ports', async () => {
    const stack = await start({ host: '0.0.0.0', publicHost: '10.0.2.2' });
    const ossPort = new URL(stack.ossUrl).port;
    expect(stack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.publicOssUrl).toBe(`http://10.0.2.2:${ossPort}`);
    expect(stack.publicApiUrl).toBe(`http://10.0.2.2:${new URL(stack.apiUrl).port}`);
    await upload(stack, 'uploads/demo/android/v1.zip', await makeZip({ 'index.android.bundle': 'for the emulator' }), {
      target: '1.x',
    });
    const answer = await check(stack);
    expect(answer.release?.url.startsWith(`http://10.0.2.2:${ossPort}/hotpatch/`)).toBe(true);
    // What the emulator sends for that link (Host 10.0.2.2:<port>) is served.
    const download = await getAs(answer.release!.url, `10.0.2.2:${ossPort}`);
    expect(download.status).toBe(200);
  });

  it('serves a public host name path-style too', async () => {
    const stack = await start({ publicHost: 'devbox.local' });
    await upload(stack, 'uploads/demo/android/v1.zip', await makeZip({ 'index.android.bundle': 'for the LAN' }), {
      target: '1.x',
    });
    const answer = await check(stack);
    const ossPort = new URL(stack.ossUrl).port;
    expect(answer.release?.url.startsWith(`http://devbox.local:${ossPort}/hotpatch/`)).toBe(true);
    expect((await getAs(answer.release!.url, `devbox.local:${ossPort}`)).status).toBe(200);
  });
});
