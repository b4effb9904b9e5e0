import OSS from 'ali-oss';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import {
  createOssHttpStore,
  createOssStore,
  ossV1Signature,
  ossV1StringToSign,
  parseOssTriggerEvent,
  signOssUrl,
} from '@hotpatch/common';
import { describeObjectStoreContract } from '@hotpatch/common/testing';
import {
  startTestOssServer,
  TEST_BUCKET,
  TEST_CREDENTIALS,
  TEST_PUBLIC_BUCKET,
  type TestOssServer,
} from '../testing/startTestOssServer';

let server: TestOssServer;

beforeAll(async () => {
  server = await startTestOssServer();
});

afterAll(async () => {
  await server.close();
});

/** ali-oss as an app would configure it: IP endpoint, so the bucket travels in the Host header. */
const aliOss = (overrides: Partial<OSS.Options> = {}): OSS =>
  new OSS({
    endpoint: server.url,
    bucket: TEST_BUCKET,
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    accessKeySecret: TEST_CREDENTIALS.accessKeySecret,
    ...overrides,
  });

/** ali-oss in path style on a host name (the form `signatureUrl` needs). */
const aliOssPathStyle = (bucket = TEST_BUCKET): OSS =>
  new OSS({
    endpoint: `http://localhost:${server.port}`,
    bucket,
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    accessKeySecret: TEST_CREDENTIALS.accessKeySecret,
    sldEnable: true,
  } as OSS.Options);

async function rawRequest(
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: server.port, method, path: urlPath, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Many objects at once, straight into the server's folder: the contract lists them through the client. */
const seed = async (keys: string[], body: Buffer): Promise<void> => {
  for (let start = 0; start < keys.length; start += 100)
    await Promise.all(keys.slice(start, start + 100).map((key) => server.store(TEST_BUCKET).put(key, body)));
};

describeObjectStoreContract(
  'oss (ali-oss against the local OSS server)',
  () =>
    createOssStore({
      endpoint: server.url,
      bucket: TEST_BUCKET,
      credentials: () => TEST_CREDENTIALS,
      downloadUrl: { mode: 'public', baseUrl: `${server.url}/${TEST_BUCKET}` },
    }),
  { seed },
);

describeObjectStoreContract(
  'oss over node:http (createOssHttpStore) against the local OSS server',
  () =>
    createOssHttpStore({
      endpoint: server.url,
      bucket: TEST_BUCKET,
      credentials: () => TEST_CREDENTIALS,
      downloadUrl: { mode: 'public', baseUrl: `${server.url}/${TEST_BUCKET}` },
    }),
  { seed },
);

describe('STS credentials (FC function roles)', () => {
  const sts = { accessKeyId: 'STS.local-role', accessKeySecret: 'sts-secret', securityToken: 'sts-token-value' };
  let stsServer: TestOssServer;

  beforeAll(async () => {
    stsServer = await startTestOssServer({ credentials: [sts] });
  });
  afterAll(() => stsServer.close());

  it('are accepted from createOssHttpStore and from ali-oss, and refused without the token', async () => {
    const store = createOssHttpStore({
      endpoint: stsServer.url,
      bucket: TEST_BUCKET,
      credentials: () => sts,
      downloadUrl: { mode: 'public', baseUrl: stsServer.url },
    });
    await store.put('sts/a.txt', Buffer.from('via http store'));
    expect(await store.get('sts/a.txt')).toMatchObject({ status: 'found', body: Buffer.from('via http store') });
    const client = new OSS({
      endpoint: stsServer.url,
      bucket: TEST_BUCKET,
      accessKeyId: sts.accessKeyId,
      accessKeySecret: sts.accessKeySecret,
      stsToken: sts.securityToken,
      refreshSTSToken: async () => ({
        accessKeyId: sts.accessKeyId,
        accessKeySecret: sts.accessKeySecret,
        stsToken: sts.securityToken,
      }),
      refreshSTSTokenInterval: 3_600_000,
    });
    expect((await client.get('sts/a.txt')).content.toString()).toBe('via http store');
    const withoutToken = createOssHttpStore({
      endpoint: stsServer.url,
      bucket: TEST_BUCKET,
      credentials: () => ({ accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret }),
      downloadUrl: { mode: 'public', baseUrl: stsServer.url },
    });
    await expect(withoutToken.get('sts/a.txt')).rejects.toThrow(/InvalidSecurityToken/);
  });
});

describe('local OSS server with an unmodified ali-oss client', () => {
  it('puts, gets, heads, lists, copies and deletes, with user metadata', async () => {
    const client = aliOss();
    await client.put('sdk/a.txt', Buffer.from('hello'), {
      meta: { uid: 7, pid: 'x' },
    } as unknown as OSS.PutObjectOptions);
    expect((await client.get('sdk/a.txt')).content.toString()).toBe('hello');
    expect((await client.head('sdk/a.txt')).meta).toEqual({ uid: '7', pid: 'x' });

    await client.copy('sdk/b.txt', 'sdk/a.txt');
    const listed = await client.listV2({ prefix: 'sdk/', 'max-keys': '10' }, {});
    expect(listed.objects.map((object) => object.name)).toEqual(['sdk/a.txt', 'sdk/b.txt']);
    const listedV1 = await client.list({ prefix: 'sdk/', 'max-keys': 1 }, {});
    expect(listedV1.objects.map((object) => object.name)).toEqual(['sdk/a.txt']);
    expect(listedV1.nextMarker).toBe('sdk/a.txt');
    const secondPage = await client.list({ prefix: 'sdk/', 'max-keys': 1, marker: listedV1.nextMarker }, {});
    expect(secondPage.objects.map((object) => object.name)).toEqual(['sdk/b.txt']);

    await client.deleteMulti(['sdk/a.txt', 'sdk/b.txt']);
    expect((await client.listV2({ prefix: 'sdk/' }, {})).objects ?? []).toEqual([]);
  });

  it('uploads a large file in parts with multipartUpload, byte-exact', async () => {
    const client = aliOss();
    const body = Buffer.alloc(2.5 * 1024 * 1024);
    for (let index = 0; index < body.length; index += 1) body[index] = (index * 31) % 251;
    const progress: number[] = [];
    await client.multipartUpload('big/bundle.zip', body, {
      partSize: 1024 * 1024,
      progress: async (fraction: number) => void progress.push(fraction),
    });
    const got = await client.get('big/bundle.zip');
    expect(Buffer.compare(got.content, body)).toBe(0);
    expect(progress[progress.length - 1]).toBe(1);
    expect(readdirSync(path.join(server.dataDir, 'oss-multipart', TEST_BUCKET))).toEqual([]);
  });

  it('refuses an overwrite with x-oss-forbid-overwrite: 409 FileAlreadyExists, object unchanged', async () => {
    const client = aliOss();
    await client.put('forbid/k', Buffer.from('first'));
    await expect(
      client.put('forbid/k', Buffer.from('second'), { headers: { 'x-oss-forbid-overwrite': 'true' } }),
    ).rejects.toMatchObject({ code: 'FileAlreadyExists', status: 409, ecCode: '0026-00000201' });
    await expect(
      client.copy('forbid/k', 'forbid/other', { headers: { 'x-oss-forbid-overwrite': 'true' } }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await client.get('forbid/k')).content.toString()).toBe('first');
  });

  it('refuses a wrong secret with 403 SignatureDoesNotMatch, an unknown key id with InvalidAccessKeyId', async () => {
    await expect(aliOss({ accessKeySecret: 'wrong' }).put('nope', Buffer.from('x'))).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    await expect(aliOss({ accessKeyId: 'unknown' }).get('nope')).rejects.toMatchObject({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
    expect(await server.store(TEST_BUCKET).head('nope')).toBeNull();
  });

  it('answers 404 NoSuchBucket for an unknown bucket and 404 NoSuchKey for a missing key', async () => {
    await expect(aliOss({ bucket: 'no-such-bucket' }).get('x')).rejects.toMatchObject({
      code: 'NoSuchBucket',
      status: 404,
    });
    await expect(aliOss().get('missing/key')).rejects.toMatchObject({ code: 'NoSuchKey', status: 404 });
  });

  it('serves byte ranges and conditional gets', async () => {
    const client = aliOss();
    await client.put('range/r.bin', Buffer.from('0123456789'));
    const part = await client.get('range/r.bin', { headers: { Range: 'bytes=2-5' } });
    expect(part.res.status).toBe(206);
    expect(part.content.toString()).toBe('2345');
    const etag = (await client.head('range/r.bin')).res.headers as Record<string, string>;
    const unchanged = await client.get('range/r.bin', { headers: { 'If-None-Match': etag.etag! } });
    expect(unchanged.res.status).toBe(304);
  });

  it('works in path style too, and accepts ali-oss presigned URLs until they expire', async () => {
    const client = aliOssPathStyle();
    await client.put('signed/file.txt', Buffer.from('signed content'));
    const url = client.signatureUrl('signed/file.txt', { expires: 600 });
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe('signed content');

    const ours = signOssUrl({
      credentials: TEST_CREDENTIALS,
      baseUrl: `http://localhost:${server.port}/${TEST_BUCKET}`,
      bucket: TEST_BUCKET,
      key: 'signed/file.txt',
      expires: Math.floor(Date.now() / 1000) + 60,
    });
    expect((await fetch(ours)).status).toBe(200);

    const expired = signOssUrl({
      credentials: TEST_CREDENTIALS,
      baseUrl: `http://localhost:${server.port}/${TEST_BUCKET}`,
      bucket: TEST_BUCKET,
      key: 'signed/file.txt',
      expires: Math.floor(Date.now() / 1000) - 1,
    });
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');

    const tampered = await fetch(ours.replace('file.txt', 'other.txt'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('lets anonymous clients read a public-read bucket, never write to it, and refuses them on a private one', async () => {
    await aliOssPathStyle(TEST_PUBLIC_BUCKET).put('pub/a.txt', Buffer.from('public'));
    await aliOssPathStyle(TEST_BUCKET).put('priv/a.txt', Buffer.from('private'));
    const publicGet = await fetch(`http://localhost:${server.port}/${TEST_PUBLIC_BUCKET}/pub/a.txt`);
    expect(publicGet.status).toBe(200);
    expect(publicGet.headers.get('content-length')).toBe('6');
    expect(publicGet.headers.get('content-encoding')).toBeNull();
    expect(await publicGet.text()).toBe('public');

    const anonymousPut = await fetch(`http://localhost:${server.port}/${TEST_PUBLIC_BUCKET}/pub/b.txt`, {
      method: 'PUT',
      body: 'x',
    });
    expect(anonymousPut.status).toBe(403);
    const anonymousList = await fetch(`http://localhost:${server.port}/${TEST_PUBLIC_BUCKET}/`);
    expect(anonymousList.status).toBe(403);
    const privateGet = await fetch(`http://localhost:${server.port}/${TEST_BUCKET}/priv/a.txt`);
    expect(privateGet.status).toBe(403);
    expect(await privateGet.text()).toMatch(/<Code>AccessDenied<\/Code>[\s\S]*<RequestId>/);
  });

  it('rejects keys with ".." segments or NUL bytes as InvalidObjectName, writing nothing', async () => {
    for (const key of ['a/../../etc/passwd', 'nul\0byte']) {
      const date = new Date().toUTCString();
      const stringToSign = ossV1StringToSign({
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        date,
        bucket: TEST_BUCKET,
        key,
      });
      const authorization = `OSS ${TEST_CREDENTIALS.accessKeyId}:${ossV1Signature(TEST_CREDENTIALS.accessKeySecret, stringToSign)}`;
      const encodedPath = `/${TEST_BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`;
      const response = await rawRequest(
        'PUT',
        encodedPath,
        { 'Content-Length': '1', 'Content-Type': 'text/plain', Date: date, Authorization: authorization },
        Buffer.from('x'),
      );
      expect(response.status).toBe(400);
      expect(response.body).toContain('<Code>InvalidObjectName</Code>');
    }
    expect(readdirSync(path.join(server.dataDir, 'oss', TEST_BUCKET, 'objects'))).not.toContain('etc');
  });

  it('answers oversized headers with 431 in OSS XML', async () => {
    const response = await rawRequest('GET', `/${TEST_BUCKET}/x`, { 'x-oss-meta-big': 'y'.repeat(20_000) });
    expect(response.status).toBe(431);
    expect(response.body).toContain('<Code>RequestHeaderFieldsTooLarge</Code>');
  });

  it('rejects a malformed Authorization header with 400 InvalidArgument', async () => {
    const response = await rawRequest('GET', `/${TEST_BUCKET}/x`, { Authorization: 'Bearer nonsense' });
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidArgument</Code>');
  });

  it('writes nothing for a body whose Content-MD5 does not match (400 InvalidDigest)', async () => {
    const client = aliOss();
    await expect(
      client.put('md5/x', Buffer.from('real body'), {
        headers: { 'Content-MD5': Buffer.alloc(16).toString('base64') },
      }),
    ).rejects.toMatchObject({ code: 'InvalidDigest', status: 400 });
    expect(await server.store(TEST_BUCKET).head('md5/x')).toBeNull();
  });

  it('writes nothing for an upload cut off before its Content-Length', async () => {
    await new Promise<void>((resolve) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port: server.port,
        method: 'PUT',
        path: `/${TEST_BUCKET}/truncated/body.zip`,
        headers: { 'Content-Length': '100000' },
      });
      request.on('error', () => resolve());
      request.write(Buffer.alloc(50_000));
      setTimeout(() => {
        request.destroy();
        setTimeout(resolve, 100);
      }, 50);
    });
    expect(await server.store(TEST_BUCKET).head('truncated/body.zip')).toBeNull();
    // The server removes its temp file once it sees the connection close, which a loaded machine may deliver
    // after the client has given up: wait for that (bounded), then require the temp folder empty.
    const tmp = path.join(server.dataDir, 'oss', TEST_BUCKET, '.tmp');
    for (let attempt = 0; attempt < 50 && readdirSync(tmp).length > 0; attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses to complete a multipart upload with a missing part, and forgets an aborted one', async () => {
    const client = aliOss();
    const { uploadId } = await client.initMultipartUpload('mp/partial.zip');
    const part1 = await client.uploadPart('mp/partial.zip', uploadId, 1, Buffer.alloc(200 * 1024, 1), 0, 200 * 1024);
    await expect(
      client.completeMultipartUpload('mp/partial.zip', uploadId, [
        { number: 1, etag: part1.etag },
        { number: 2, etag: '"00000000000000000000000000000000"' },
      ]),
    ).rejects.toMatchObject({ code: 'InvalidPart', status: 400 });
    expect(await server.store(TEST_BUCKET).head('mp/partial.zip')).toBeNull();

    await client.abortMultipartUpload('mp/partial.zip', uploadId);
    await expect(
      client.completeMultipartUpload('mp/partial.zip', uploadId, [{ number: 1, etag: part1.etag }]),
    ).rejects.toMatchObject({ code: 'NoSuchUpload', status: 404 });
  });

  it('fails injected requests with 503 and then serves normally', async () => {
    const client = aliOss();
    server.faults.failNext(1, { status: 503, match: { method: 'PUT', keyPrefix: 'faulty/' } });
    await expect(client.put('faulty/x', Buffer.from('x'))).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      status: 503,
    });
    await client.put('faulty/x', Buffer.from('x'));
    expect((await client.get('faulty/x')).content.toString()).toBe('x');
  });
});

describe('OSS trigger events from the local OSS server', () => {
  it('delivers the exact FC event shape to a function watching the prefix, and nothing for other keys', async () => {
    const events: Buffer[] = [];
    server.triggers.register({
      functionName: 'watcher',
      bucket: TEST_BUCKET,
      events: ['oss:ObjectCreated:*'],
      prefix: 'uploads/',
      suffix: '.zip',
      invoke: async (event) => void events.push(event),
    });
    const client = aliOss();
    const put = await client.put('uploads/demo/ios/one.zip', Buffer.from('zip bytes'));
    await client.put('elsewhere/one.zip', Buffer.from('zip bytes'));
    await client.put('uploads/demo/ios/readme.txt', Buffer.from('text'));
    await server.triggers.idle();

    expect(events).toHaveLength(1);
    expect(Buffer.isBuffer(events[0])).toBe(true);
    const payload = JSON.parse(events[0]!.toString());
    const etag = String((put.res.headers as Record<string, string>).etag).replace(/"/g, '');
    expect(payload).toEqual({
      events: [
        {
          eventName: 'ObjectCreated:PutObject',
          eventSource: 'acs:oss',
          eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
          eventVersion: '1.0',
          oss: {
            bucket: {
              arn: `acs:oss:oss-cn-hangzhou:1234567890:${TEST_BUCKET}`,
              name: TEST_BUCKET,
              ownerIdentity: '1234567890',
              virtualBucket: '',
            },
            object: { deltaSize: 9, eTag: etag, key: 'uploads/demo/ios/one.zip', size: 9 },
            ossSchemaVersion: '1.0',
            ruleId: 'hotpatch-local',
          },
          region: 'oss-cn-hangzhou',
          requestParameters: { sourceIPAddress: expect.any(String) },
          responseElements: { requestId: expect.stringMatching(/^[0-9A-F]{24}$/) },
          userIdentity: { principalId: '1234567890' },
        },
      ],
    });
    expect(parseOssTriggerEvent(events[0])).toEqual([
      expect.objectContaining({ key: 'uploads/demo/ios/one.zip', size: 9, etag, bucket: TEST_BUCKET }),
    ]);
  });

  it('names multipart and copy creations as OSS does, and retries a failing function', async () => {
    const seen: string[] = [];
    let failuresLeft = 2;
    server.triggers.register({
      functionName: 'flaky',
      bucket: TEST_BUCKET,
      events: ['oss:ObjectCreated:*'],
      prefix: 'inbox/',
      invoke: async (event) => {
        if (failuresLeft-- > 0) throw new Error('transient');
        seen.push(JSON.parse(event.toString()).events[0].eventName);
      },
    });
    const client = aliOss();
    await client.put('inbox/a', Buffer.from('a'));
    await server.triggers.idle();
    await client.multipartUpload('inbox/b', Buffer.alloc(300 * 1024), { partSize: 100 * 1024 });
    await client.copy('inbox/c', 'inbox/a');
    await server.triggers.idle();
    expect(seen).toEqual([
      'ObjectCreated:PutObject',
      'ObjectCreated:CompleteMultipartUpload',
      'ObjectCreated:CopyObject',
    ]);
  });
});

describe('local OSS server restart', () => {
  it('serves the same objects after a restart on the same data folder', async () => {
    const first = await startTestOssServer();
    const client = new OSS({ endpoint: first.url, bucket: TEST_BUCKET, ...TEST_CREDENTIALS });
    await client.put('persist/me.json', Buffer.from('{"v":1}'));
    await first.close();

    const second = await startTestOssServer({ dataDir: first.dataDir });
    const reopened = new OSS({ endpoint: second.url, bucket: TEST_BUCKET, ...TEST_CREDENTIALS });
    expect((await reopened.get('persist/me.json')).content.toString()).toBe('{"v":1}');
    await second.close();
  });
});
