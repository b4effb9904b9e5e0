import OSS from 'ali-oss';
import { createHash } from 'node:crypto';
import { writeJson } from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import { catalogForCase, DECISION_CASES, hashOf, type ExpectedDecision } from '@hotpatch/core/testing';
import { makeZip } from '@hotpatch/upload-bundle/testing';
import type { LocalStack } from './createLocalStack';
import { DEV_CREDENTIALS } from './loadLocalStackSettings';
import { startTestStack } from './testing';

let stack: LocalStack;

beforeAll(async () => {
  // The production catalog TTL (the local stack's default is 0): the cache tests below count storage reads.
  stack = await startTestStack({ functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '10' } });
});

afterAll(async () => {
  await stack.close();
});

interface CheckAnswer {
  status: string;
  release?: {
    label: string;
    hash: string;
    url: string;
    size: number;
    mandatory: boolean;
    description: string;
    sha256: string;
  } | null;
  binaryUpdateNeeded?: { targetBinaryRange: string };
}

async function check(query: Record<string, string>): Promise<{
  status: number;
  headers: Headers;
  body: CheckAnswer & { error?: { code: string; message: string; parameter?: string } };
}> {
  const response = await fetch(`${stack.apiUrl}/v1/check?${new URLSearchParams(query).toString()}`);
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

function asExpected(answer: CheckAnswer): ExpectedDecision {
  if (answer.status === 'update')
    return { status: 'update', label: answer.release!.label, mandatory: answer.release!.mandatory };
  if (answer.status === 'rollback') return { status: 'rollback', label: answer.release?.label ?? null };
  if (answer.binaryUpdateNeeded)
    return { status: 'binaryUpdateNeeded', targetBinaryRange: answer.binaryUpdateNeeded.targetBinaryRange };
  return { status: 'upToDate' };
}

describe('GET /v1/check over HTTP: the shared decision table against the local stack', () => {
  beforeAll(async () => {
    const store = stack.oss.store('hotpatch');
    await Promise.all(
      DECISION_CASES.map(async (testCase, index) => {
        const app = `case-${index}`;
        await stack.registry.create({ name: app, platforms: ['android'] });
        if (testCase.releases.length > 0) {
          const deployment = { app, platform: 'android' as const, channel: 'staging' };
          await writeJson(store, storageKeys.catalog(deployment), catalogForCase(testCase, deployment));
        }
      }),
    );
  });

  it.each(DECISION_CASES.map((testCase, index) => [testCase.name, testCase, index] as const))(
    '%s',
    async (_name, testCase, index) => {
      const query: Record<string, string> = {
        app: `case-${index}`,
        platform: 'android',
        channel: 'staging',
        appVersion: testCase.request.appVersion,
      };
      if (testCase.request.bundle !== undefined) query.bundleHash = hashOf(testCase.request.bundle);
      if (testCase.request.clientId !== undefined) query.clientId = testCase.request.clientId;
      const { status, body } = await check(query);
      expect(status).toBe(200);
      expect(asExpected(body)).toEqual(testCase.expected);
    },
  );
});

describe('GET /v1/check end to end', () => {
  it('offers a release uploaded through OSS, with a download that has an exact Content-Length and verifies', async () => {
    await stack.registry.create({ name: 'e2e', platforms: ['ios'] });
    const zip = await makeZip({ 'CodePush/main.jsbundle': 'console.log("v1")' });
    const client = new OSS({ endpoint: stack.ossUrl, bucket: 'hotpatch', ...DEV_CREDENTIALS });
    await client.put('uploads/e2e/ios/one.zip', zip, {
      meta: { target: '1.x', description: 'first', mandatory: 'true' },
    } as unknown as OSS.PutObjectOptions);
    await stack.triggers.idle();

    const { status, headers, body } = await check({
      app: 'e2e',
      platform: 'ios',
      channel: 'staging',
      appVersion: '1.4',
      bundleHash: '',
      clientId: 'phone-1',
    });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('private, no-cache');
    expect(body).toMatchObject({
      status: 'update',
      release: {
        label: 'v1',
        size: zip.length,
        mandatory: true,
        description: 'first',
        kind: 'zip',
        bundlePath: 'CodePush/main.jsbundle',
        signed: false,
      },
    });

    const download = await fetch(body.release!.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(zip.length));
    expect(download.headers.get('content-encoding')).toBeNull();
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(body.release!.sha256);

    const again = await check({
      app: 'e2e',
      platform: 'ios',
      channel: 'staging',
      appVersion: '1.4.0',
      bundleHash: body.release!.hash,
    });
    expect(again.body).toEqual({ status: 'upToDate' });
    expect((await check({ app: 'e2e', platform: 'ios', channel: 'production', appVersion: '1.4.0' })).body).toEqual({
      status: 'upToDate',
    });
  });

  it('reads storage at most once per cache period for 1,000 checks of one deployment', async () => {
    const before = stack.oss.requestCounts().GET ?? 0;
    for (let index = 0; index < 1000; index += 1) {
      const { status } = await check({
        app: 'case-5',
        platform: 'android',
        channel: 'staging',
        appVersion: '1.0.0',
        clientId: `device-${index}`,
      });
      expect(status).toBe(200);
    }
    expect((stack.oss.requestCounts().GET ?? 0) - before).toBeLessThanOrEqual(1);
  });

  it('answers 404 with a JSON error for an unknown app, platform or channel, naming only what was asked for', async () => {
    await stack.registry.addChannel('e2e', 'internal-qa-7f3');
    const cases = [
      { app: 'nobody', platform: 'ios', channel: 'staging' },
      { app: 'e2e', platform: 'ios', channel: 'beta' },
      { app: 'e2e', platform: 'android', channel: 'staging' },
    ];
    for (const asked of cases) {
      const { status, body } = await check({ ...asked, appVersion: '1.0.0' });
      expect(status).toBe(404);
      expect(body.error).toEqual({
        code: 'NotFound',
        message: `no deployment for app "${asked.app}", platform "${asked.platform}", channel "${asked.channel}"`,
      });
      for (const secret of ['production', 'internal-qa-7f3', 'it has'])
        expect(body.error!.message).not.toContain(secret);
    }
  });

  it('answers 400 naming the parameter, without touching storage', async () => {
    const before = stack.oss.requestCounts();
    const cases: [Record<string, string>, string][] = [
      [{ platform: 'ios', channel: 'staging', appVersion: '1.0.0' }, 'app'],
      [{ app: 'e2e', platform: 'ios', channel: 'staging', appVersion: 'one' }, 'appVersion'],
      [{ app: 'e2e', platform: 'ios', channel: 'a/b', appVersion: '1.0.0' }, 'channel'],
      [{ app: 'e2e', platform: 'ios', channel: 'staging', appVersion: '1.0.0', bundleHash: 'nothex' }, 'bundleHash'],
      [
        { app: 'e2e', platform: 'ios', channel: 'staging', appVersion: '1.0.0', clientId: 'x'.repeat(1000) },
        'clientId',
      ],
    ];
    for (const [query, parameter] of cases) {
      const { status, body, headers } = await check(query);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'BadRequest', parameter });
      expect(headers.get('cache-control')).toBe('no-store');
    }
    expect(stack.oss.requestCounts()).toEqual(before);
  });

  it('fails closed when storage fails: 503, no-store, Retry-After, never a rollback', async () => {
    // A deployment whose running bundle was pulled: a storage failure must not look like "no releases".
    const testCase = DECISION_CASES.find((candidate) =>
      candidate.name.startsWith('client on a disabled newest release'),
    )!;
    await stack.registry.create({ name: 'fail-closed', platforms: ['android'] });
    const deployment = { app: 'fail-closed', platform: 'android' as const, channel: 'staging' };
    await writeJson(stack.oss.store('hotpatch'), storageKeys.catalog(deployment), catalogForCase(testCase, deployment));
    const query = {
      app: 'fail-closed',
      platform: 'android',
      channel: 'staging',
      appVersion: '1.0.0',
      bundleHash: hashOf('a'),
    };

    stack.oss.faults.failNext(2, { status: 500 });
    const { status, headers, body } = await check(query);
    expect(status).toBe(503);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('retry-after')).toBe('5');
    expect(body).toEqual({ error: { code: 'ServiceUnavailable', message: expect.any(String) } });
    stack.oss.faults.reset();
    expect(await check(query)).toMatchObject({ status: 200, body: { status: 'upToDate' } });
  });
});
