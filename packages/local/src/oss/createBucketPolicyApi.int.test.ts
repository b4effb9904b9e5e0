import OSS from 'ali-oss';
import {
  startTestOssServer,
  TEST_BUCKET,
  TEST_CREDENTIALS,
  TEST_PUBLIC_BUCKET,
  type TestOssServer,
} from '../testing/startTestOssServer';

let server: TestOssServer;
let client: OSS;

beforeAll(async () => {
  server = await startTestOssServer();
  client = new OSS({ endpoint: server.url, region: 'oss-cn-hangzhou', ...TEST_CREDENTIALS });
});

afterAll(() => server.close());

describe('local OSS server: bucket ACL and bucket policy (what hotpatch deploy calls through ali-oss)', () => {
  it("reports each bucket's ACL", async () => {
    expect((await client.getBucketACL(TEST_BUCKET)).acl).toBe('private');
    expect((await client.getBucketACL(TEST_PUBLIC_BUCKET)).acl).toBe('public-read');
  });

  it('stores, returns and deletes a policy; 404 NoSuchBucketPolicy when there is none', async () => {
    expect((await client.getBucketPolicy(TEST_BUCKET)).res.status).toBe(404);
    const policy = {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow' as const,
          Principal: ['*'],
          Action: ['oss:GetObject'],
          Resource: [`acs:oss:*:1:${TEST_BUCKET}/packages/*`],
        },
      ],
    };
    await client.putBucketPolicy(TEST_BUCKET, policy);
    expect((await client.getBucketPolicy(TEST_BUCKET)).policy).toEqual(policy);
    await client.deleteBucketPolicy(TEST_BUCKET);
    expect((await client.getBucketPolicy(TEST_BUCKET)).res.status).toBe(404);
  });

  it('refuses a malformed policy with 400 InvalidPolicyDocument and keeps nothing', async () => {
    await expect(
      client.putBucketPolicy(TEST_BUCKET, {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['x'] }],
      } as unknown as OSS.BucketPolicy),
    ).rejects.toMatchObject({ status: 400, code: 'InvalidPolicyDocument' });
    expect((await client.getBucketPolicy(TEST_BUCKET)).res.status).toBe(404);
  });

  it('answers anonymous policy and ACL requests with 403', async () => {
    expect((await fetch(`${server.url}/${TEST_PUBLIC_BUCKET}/?policy`)).status).toBe(403);
    expect((await fetch(`${server.url}/${TEST_PUBLIC_BUCKET}/?acl`)).status).toBe(403);
  });
});
