import { createMemoryStore, type ObjectStore } from '@hotpatch/common';
import { fcContext, fcHttpTriggerEvent } from '@hotpatch/common/testing';
import { createPublishBundleFunction } from './index';
import { createPublishBundleHandler } from './createPublishBundleHandler';
import { loadPublishConfig } from './loadPublishConfig';
import { signedCall } from './testing/managementTestKit';

const ADMIN = { key: 'admin-all', secret: 'admin-all-secret-000' };
const SHOP_ADMIN = { key: 'shop-admin', secret: 'shop-admin-secret-000' };
let store: ObjectStore;
let handle: ReturnType<typeof createPublishBundleHandler>;

beforeEach(async () => {
  store = createMemoryStore();
  handle = createPublishBundleHandler({
    store,
    config: loadPublishConfig({
      HOTPATCH_APP_KEYS: `${ADMIN.key}:${ADMIN.secret},${SHOP_ADMIN.key}:${SHOP_ADMIN.secret}:admin:shop`,
    }),
  });
  await signedCall(handle, ADMIN, 'POST', '/v1/apps', { name: 'shop', platforms: ['ios'] });
});

describe('PUT /v1/apps/:app/channels/:channel/halt-policy', () => {
  it('refuses a malformed policy with 400 naming it, and changes nothing', async () => {
    for (const body of [
      {},
      { haltPolicy: 'yes' },
      { haltPolicy: { failureRatePercent: 120, minInstalls: 10 } },
      { haltPolicy: { failureRatePercent: 10, minInstalls: 0 } },
      { haltPolicy: { failureRatePercent: '10', minInstalls: 10 } },
    ]) {
      const answer = await signedCall(handle, ADMIN, 'PUT', '/v1/apps/shop/channels/staging/halt-policy', body);
      expect({ body, status: answer.status, message: answer.body.error.message }).toEqual({
        body,
        status: 400,
        message: expect.stringContaining('haltPolicy'),
      });
    }
    const app = await signedCall(handle, ADMIN, 'GET', '/v1/apps/shop');
    expect(app.body.app.channels.staging.haltPolicy).toBeUndefined();
    const unknown = await signedCall(handle, ADMIN, 'PUT', '/v1/apps/shop/channels/beta/halt-policy', {
      haltPolicy: null,
    });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /v1/manage/gc', () => {
  it('needs an admin key for every app: an admin of one app gets 403 and nothing is deleted', async () => {
    await store.put('packages/orphan/package.zip', 'x');
    const refused = await signedCall(handle, SHOP_ADMIN, 'POST', '/v1/manage/gc', { dryRun: false });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('may not collect garbage');
    expect(await store.head('packages/orphan/package.zip')).not.toBeNull();
    expect((await signedCall(handle, ADMIN, 'POST', '/v1/manage/gc', {})).status).toBe(400);
    expect((await signedCall(handle, ADMIN, 'POST', '/v1/manage/gc', { dryRun: true })).status).toBe(200);
  });
});

describe('GET /v1/apps/:app/:platform/:channel/explain', () => {
  it('refuses a missing or malformed appVersion with 400', async () => {
    const missing = await signedCall(handle, ADMIN, 'GET', '/v1/apps/shop/ios/staging/explain');
    expect(missing.status).toBe(400);
    const bad = await signedCall(handle, ADMIN, 'GET', '/v1/apps/shop/ios/staging/explain', undefined, {
      appVersion: 'one',
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('"one"') } } });
  });
});

describe("publishBundle's entry point", () => {
  it('runs the timer for an FC time-trigger event and serves HTTP otherwise', async () => {
    const lines: string[] = [];
    const entry = createPublishBundleFunction(
      { HOTPATCH_STORAGE: 'memory', HOTPATCH_APP_KEYS: `${ADMIN.key}:${ADMIN.secret}`, HOTPATCH_LOG_LEVEL: 'info' },
      { writeLog: (line) => lines.push(line) },
    ) as unknown as (event: unknown, context: unknown) => Promise<any>;
    const event = Buffer.from(
      JSON.stringify({ triggerTime: '2026-01-01T00:00:00Z', triggerName: 'fold-timer', payload: '' }),
    );
    const outcome = await entry(event, { requestId: 'timer-1' });
    expect(outcome).toEqual({ deployments: 0, folded: 0, halted: [], skipped: 0 });
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ message: 'timer run', trigger: 'fold-timer', request_id: 'timer-1' }),
    );
    const http = await entry(fcHttpTriggerEvent({ method: 'GET', path: '/v1/apps' }), fcContext());
    expect(http.statusCode).toBe(401);
  });
});
