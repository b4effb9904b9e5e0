import { apiGatewayEvent, fcContext, startStalledServer, type StalledServer } from '@hotpatch/common/testing';
import { createGetLatestBundleFunction } from './index';

let server: StalledServer;

beforeAll(async () => {
  server = await startStalledServer('silent');
});

afterAll(async () => {
  await server.close();
});

const env = (extra: Record<string, string> = {}) => ({
  HOTPATCH_OSS_BUCKET: 'hotpatch',
  HOTPATCH_OSS_ENDPOINT: server.url,
  HOTPATCH_OSS_PATH_STYLE: 'true',
  HOTPATCH_LOG_LEVEL: 'error',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
  ...extra,
});

const check = apiGatewayEvent({
  path: '/v1/check',
  query: { app: 'shop', platform: 'ios', channel: 'production', appVersion: '1.0.0' },
});
const codePushCheck = apiGatewayEvent({
  path: '/v0.1/public/codepush/update_check',
  query: { deployment_key: 'abcdefghij0123456789', app_version: '1.0.0' },
});

async function timedCall(handler: ReturnType<typeof createGetLatestBundleFunction>, event: Buffer) {
  const started = Date.now();
  const response = await handler(event, fcContext());
  return { response, ms: Date.now() - started };
}

describe('getLatestBundle against an OSS endpoint that accepts connections and never answers', () => {
  it('answers the check and CodePush routes 503 (no-store, Retry-After) within about 3 s by default', async () => {
    const handler = createGetLatestBundleFunction(env());
    const answers = await Promise.all([timedCall(handler, check), timedCall(handler, codePushCheck)]);
    for (const { response, ms } of answers) {
      expect(response).toMatchObject({ statusCode: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } });
      expect(ms).toBeGreaterThanOrEqual(2400);
      expect(ms).toBeLessThan(3500);
    }
  });

  it('follows HOTPATCH_CHECK_STORAGE_TIMEOUT_MS, with ali-oss as with the HTTP client', async () => {
    for (const client of ['http', 'ali-oss']) {
      const handler = createGetLatestBundleFunction(
        env({ HOTPATCH_OSS_CLIENT: client, HOTPATCH_CHECK_STORAGE_TIMEOUT_MS: '300' }),
      );
      const { response, ms } = await timedCall(handler, check);
      expect({ client, status: response.statusCode }).toEqual({ client, status: 503 });
      expect(ms).toBeLessThan(1500);
    }
  });
});
