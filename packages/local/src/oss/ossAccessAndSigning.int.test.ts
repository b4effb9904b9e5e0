import OSS from 'ali-oss';
import { request as httpRequest } from 'node:http';
import { ossV1Signature, ossV1StringToSign, signOssUrl } from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import {
  startTestOssServer,
  TEST_BUCKET,
  TEST_CREDENTIALS,
  TEST_POLICY_BUCKET,
  type TestOssServer,
} from '../testing/startTestOssServer';

let server: TestOssServer;

beforeAll(async () => {
  server = await startTestOssServer();
});

afterAll(async () => {
  await server.close();
});

const pathStyle = (bucket = TEST_BUCKET, overrides: Partial<OSS.Options> = {}): OSS =>
  new OSS({
    endpoint: `http://localhost:${server.port}`,
    bucket,
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    accessKeySecret: TEST_CREDENTIALS.accessKeySecret,
    sldEnable: true,
    ...overrides,
  } as OSS.Options);

/** ali-oss signing with OSS V4 (OSS4-HMAC-SHA256), as ossutil 2.x does. */
const aliOssV4 = (overrides: Partial<OSS.Options> = {}): OSS =>
  new OSS({
    endpoint: server.url,
    bucket: TEST_BUCKET,
    region: 'oss-cn-hangzhou',
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    accessKeySecret: TEST_CREDENTIALS.accessKeySecret,
    authorizationV4: true,
    ...overrides,
  });

async function rawRequest(
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: server.port, method, path: urlPath, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A V1-signed GET of the bucket (a listing) with the given query. */
function signedList(
  query: string,
  subresources: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const date = new Date().toUTCString();
  const stringToSign = ossV1StringToSign({
    method: 'GET',
    headers: {},
    date,
    bucket: TEST_BUCKET,
    key: '',
    subresources,
  });
  return rawRequest('GET', `/${TEST_BUCKET}/?${query}`, {
    Date: date,
    Authorization: `OSS ${TEST_CREDENTIALS.accessKeyId}:${ossV1Signature(TEST_CREDENTIALS.accessKeySecret, stringToSign)}`,
  });
}

describe('prefix-scoped anonymous read (private bucket, content prefixes readable, as production)', () => {
  const deployment = { app: 'demo', platform: 'ios', channel: 'production' } as const;
  const privateKeys = [
    storageKeys.app('demo'),
    storageKeys.catalog(deployment),
    storageKeys.logEntry(deployment, 1),
    'metrics/demo/ios/production/20260101T000000000Z-ab.json',
    storageKeys.uploadStatus('demo/ios/a.zip', 'ETAG'),
    'nonces/app-key/nonce-1',
    storageKeys.deploymentKey('dk-secret'),
  ];
  const contentKeys = [storageKeys.packageContent('h1', 'bundle.zip'), 'diffs/h1/h0.zip'];

  beforeAll(async () => {
    const client = pathStyle(TEST_POLICY_BUCKET);
    for (const key of [...privateKeys, ...contentKeys]) await client.put(key, Buffer.from(`body of ${key}`));
  });

  const anonymous = (key: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`http://localhost:${server.port}/${TEST_POLICY_BUCKET}/${key}`, init);

  it('serves packages and diffs to anonymous GET and HEAD', async () => {
    for (const key of contentKeys) {
      const got = await anonymous(key);
      expect([key, got.status, await got.text()]).toEqual([key, 200, `body of ${key}`]);
      expect((await anonymous(key, { method: 'HEAD' })).status).toBe(200);
    }
  });

  it('refuses anonymous reads of app records, catalogs, logs, metrics, upload status, nonces and deployment keys with 403 AccessDenied', async () => {
    for (const key of privateKeys) {
      const refused = await anonymous(key);
      expect([key, refused.status]).toEqual([key, 403]);
      expect(await refused.text()).toMatch(/<Code>AccessDenied<\/Code>[\s\S]*<RequestId>/);
      expect([key, (await anonymous(key, { method: 'HEAD' })).status]).toEqual([key, 403]);
    }
    expect((await anonymous('apps/no-such-app.json')).status).toBe(403);
  });

  it('refuses anonymous listing, writes, and keys that climb out of a content prefix', async () => {
    expect((await fetch(`http://localhost:${server.port}/${TEST_POLICY_BUCKET}/`)).status).toBe(403);
    expect((await fetch(`http://localhost:${server.port}/${TEST_POLICY_BUCKET}/?prefix=packages/`)).status).toBe(403);
    expect((await anonymous('packages/h2/bundle.zip', { method: 'PUT', body: 'x' })).status).toBe(403);
    expect((await anonymous('packages/h1/bundle.zip', { method: 'DELETE' })).status).toBe(403);
    const climbing = await rawRequest('GET', `/${TEST_POLICY_BUCKET}/packages/..%2Fapps%2Fdemo.json`);
    expect(climbing.status).toBe(400);
    expect(climbing.body).not.toContain('body of');
  });

  it('still serves every key to signed requests, presigned URLs included', async () => {
    const url = signOssUrl({
      credentials: TEST_CREDENTIALS,
      baseUrl: `http://localhost:${server.port}/${TEST_POLICY_BUCKET}`,
      bucket: TEST_POLICY_BUCKET,
      key: storageKeys.app('demo'),
      expires: Math.floor(Date.now() / 1000) + 60,
    });
    expect((await fetch(url)).status).toBe(200);
  });

  it('honours response-* overrides only on signed requests', async () => {
    const refused = await anonymous(`${contentKeys[0]}?response-content-type=text/html`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>InvalidRequest</Code>');
    const signed = pathStyle(TEST_POLICY_BUCKET).signatureUrl(contentKeys[0]!, {
      expires: 60,
      response: { 'content-type': 'text/plain', 'content-disposition': 'attachment' },
    });
    const served = await fetch(signed);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('text/plain');
    expect(served.headers.get('content-disposition')).toBe('attachment');
  });
});

describe('presigned URLs cover x-oss-* headers', () => {
  it('accepts the x-oss-* headers a V1 URL was signed with, and refuses one it was not signed with', async () => {
    const client = pathStyle();
    await client.put('presign/registry.json', Buffer.from('{"secret":true}'));
    const signedWithForbid = client.signatureUrl('presign/new.txt', {
      method: 'PUT',
      expires: 60,
      'x-oss-forbid-overwrite': 'true',
    } as OSS.SignatureUrlOptions);
    expect(
      (
        await fetch(signedWithForbid, {
          method: 'PUT',
          body: Buffer.from('first'),
          headers: { 'x-oss-forbid-overwrite': 'true' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await fetch(signedWithForbid, {
          method: 'PUT',
          body: Buffer.from('second'),
          headers: { 'x-oss-forbid-overwrite': 'true' },
        })
      ).status,
    ).toBe(409);

    const plainPut = signOssUrl({
      credentials: TEST_CREDENTIALS,
      baseUrl: `http://localhost:${server.port}/${TEST_BUCKET}`,
      bucket: TEST_BUCKET,
      key: 'presign/copied.json',
      expires: Math.floor(Date.now() / 1000) + 60,
      method: 'PUT',
    });
    const smuggled = await fetch(plainPut, {
      method: 'PUT',
      headers: { 'x-oss-copy-source': `/${TEST_BUCKET}/presign/registry.json` },
    });
    expect(smuggled.status).toBe(403);
    expect(await smuggled.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await server.store(TEST_BUCKET).head('presign/copied.json')).toBeNull();
  });
});

describe('ListObjectsV2 with encoding-type=url, as OSS answers it', () => {
  it('URL-encodes keys, prefix and continuation tokens, and takes the decoded token back', async () => {
    const client = pathStyle();
    await client.put('enc/a b+c/中.txt', Buffer.from('1'));
    await client.put('enc/z.txt', Buffer.from('2'));
    const first = await signedList('list-type=2&encoding-type=url&prefix=enc%2F&max-keys=1');
    expect(first.status).toBe(200);
    expect(first.body).toContain('<Key>enc%2Fa%20b%2Bc%2F%E4%B8%AD.txt</Key>');
    expect(first.body).toContain('<Prefix>enc%2F</Prefix>');
    expect(first.body).toContain('<EncodingType>url</EncodingType>');
    const encodedToken = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(first.body)![1]!;
    expect(encodedToken).toMatch(/%[0-9A-F]{2}/);
    const token = decodeURIComponent(encodedToken);
    const second = await signedList(
      `list-type=2&encoding-type=url&prefix=enc%2F&max-keys=1&continuation-token=${encodeURIComponent(token)}`,
      { 'continuation-token': token },
    );
    expect(second.body).toContain('<Key>enc%2Fz.txt</Key>');
    expect(second.body).toContain(`<ContinuationToken>${encodedToken}</ContinuationToken>`);
    const twiceEncoded = await signedList(
      `list-type=2&prefix=enc%2F&continuation-token=${encodeURIComponent(encodedToken)}`,
      { 'continuation-token': encodedToken },
    );
    expect(twiceEncoded.status).toBe(400);
    expect(twiceEncoded.body).toContain('<Code>InvalidArgument</Code>');
  });
});

describe('OSS V4 signatures (OSS4-HMAC-SHA256)', () => {
  it('accept ali-oss in V4 mode: put, get, head, list, copy, multipart, delete', async () => {
    const client = aliOssV4();
    await client.put('v4/a b+c.txt', Buffer.from('hello v4'), {
      meta: { label: 'v1.0' },
      headers: { 'x-oss-forbid-overwrite': 'true' },
    } as unknown as OSS.PutObjectOptions);
    expect((await client.get('v4/a b+c.txt')).content.toString()).toBe('hello v4');
    expect((await client.head('v4/a b+c.txt')).meta).toEqual({ label: 'v1.0' });
    await client.copy('v4/copy.txt', 'v4/a b+c.txt');
    const listed = await client.listV2({ prefix: 'v4/', 'max-keys': '1' }, {});
    expect(listed.objects.map((object) => object.name)).toEqual(['v4/a b+c.txt']);
    const rest = await client.listV2(
      {
        prefix: 'v4/',
        'continuation-token': (listed as unknown as { nextContinuationToken: string }).nextContinuationToken,
      },
      {},
    );
    expect(rest.objects.map((object) => object.name)).toEqual(['v4/copy.txt']);
    await client.multipartUpload('v4/big.bin', Buffer.alloc(250 * 1024, 7), { partSize: 100 * 1024 });
    expect((await client.head('v4/big.bin')).res.headers).toMatchObject({ 'content-length': String(250 * 1024) });
    await client.delete('v4/copy.txt');
    await expect(client.get('v4/copy.txt')).rejects.toMatchObject({ code: 'NoSuchKey' });
    await expect(
      client.put('v4/a b+c.txt', Buffer.from('again'), { headers: { 'x-oss-forbid-overwrite': 'true' } }),
    ).rejects.toMatchObject({ code: 'FileAlreadyExists', status: 409 });
  });

  it('refuse a wrong secret, an unknown key id and another region', async () => {
    await expect(aliOssV4({ accessKeySecret: 'wrong' }).put('v4/nope', Buffer.from('x'))).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    await expect(aliOssV4({ accessKeyId: 'unknown' }).get('v4/nope')).rejects.toMatchObject({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
    await expect(aliOssV4({ region: 'oss-cn-shanghai' }).get('v4/nope')).rejects.toMatchObject({
      code: 'InvalidArgument',
      status: 400,
    });
    expect(await server.store(TEST_BUCKET).head('v4/nope')).toBeNull();
  });

  it('accept a presigned V4 URL until it expires, and refuse tampering and unsigned x-oss-* headers', async () => {
    const client = pathStyle(TEST_BUCKET, { authorizationV4: true, region: 'oss-cn-hangzhou' });
    await client.put('v4/signed.txt', Buffer.from('signed v4'));
    const url = await (
      client as unknown as {
        signatureUrlV4(method: string, expires: number, request?: unknown, key?: string): Promise<string>;
      }
    ).signatureUrlV4('GET', 60, {}, 'v4/signed.txt');
    expect(url).toContain('x-oss-signature-version=OSS4-HMAC-SHA256');
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe('signed v4');

    const tampered = await fetch(url.replace('signed.txt', 'other.txt'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await fetch(url, { headers: { 'x-oss-range-behavior': 'standard' } })).status).toBe(403);

    const putUrl = await (
      client as unknown as {
        signatureUrlV4(method: string, expires: number, request?: unknown, key?: string): Promise<string>;
      }
    ).signatureUrlV4('PUT', 60, {}, 'v4/put.txt');
    const smuggled = await fetch(putUrl, {
      method: 'PUT',
      headers: { 'x-oss-copy-source': `/${TEST_BUCKET}/v4/signed.txt` },
    });
    expect(smuggled.status).toBe(403);
    expect(await server.store(TEST_BUCKET).head('v4/put.txt')).toBeNull();
    expect((await fetch(putUrl, { method: 'PUT', body: Buffer.from('put via v4 url') })).status).toBe(200);

    const expired = new URL(url);
    expired.searchParams.set('x-oss-date', '20200101T000000Z');
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');
  });
});
