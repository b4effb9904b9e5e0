import OSS from 'ali-oss';
import { makeZip } from '@hotpatch/upload-bundle/testing';
import type { LocalStack } from './createLocalStack';
import { DEV_CREDENTIALS } from './loadLocalStackSettings';
import { callManagement } from './testing/callManagement';
import { startTestStack } from './testing';

/** The acquisition SDK exactly as react-native-code-push 9 ships it (code-push 4.2.3). */
interface RemotePackage {
  label: string;
  appVersion: string;
  packageHash: string;
}
interface Manager {
  queryUpdateWithCurrentPackage(
    current: object,
    callback: (error: Error | null, result: RemotePackage | null) => void,
  ): void;
  reportStatusDeploy(
    pkg: object | null,
    status: string | null,
    previousLabelOrAppVersion: string | null,
    previousDeploymentKey: string | null,
    callback: (error: Error | null) => void,
  ): void;
  reportStatusDownload(pkg: object, callback: (error: Error | null) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('code-push/script/acquisition-sdk') as {
  AcquisitionManager: new (requester: object, configuration: object) => Manager;
};
const VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT', 'PATCH'];
const requester = {
  request(verb: number, url: string, bodyOrCallback: unknown, maybeCallback?: unknown): void {
    const callback = (typeof bodyOrCallback === 'function' ? bodyOrCallback : maybeCallback) as (
      error: Error | null,
      response?: { statusCode: number; body: string },
    ) => void;
    const body = typeof bodyOrCallback === 'function' ? null : (bodyOrCallback as string);
    fetch(url, { method: VERBS[verb]!, body, headers: { 'Content-Type': 'application/json' } }).then(
      async (response) => callback(null, { statusCode: response.status, body: await response.text() }),
      (error: Error) => callback(error),
    );
  },
};

const TIMER_SECONDS = 2;
const POLICY = { failureRatePercent: 10, minInstalls: 50 };
let stack: LocalStack;
const keys: Record<string, string> = {};

const device = (channel: string, id: string): Manager =>
  new sdk.AcquisitionManager(requester, {
    serverUrl: stack.apiUrl,
    deploymentKey: keys[channel],
    appVersion: '1.0.0',
    clientUniqueId: id,
  });
const query = (manager: Manager, current: object) =>
  new Promise<RemotePackage | null>((resolve, reject) =>
    manager.queryUpdateWithCurrentPackage(current, (error, result) => (error ? reject(error) : resolve(result))),
  );
const promisify = (run: (done: (error: Error | null) => void) => void) =>
  new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));

/** A signed publishBundle call, as the CLI makes it. */
const manage = (method: string, urlPath: string, body?: unknown): Promise<any> =>
  callManagement(stack.apiUrl, method, urlPath, body);

/**
 * 100 devices on the binary get v1, download it and install it; `failures` of them (spread evenly, as the timer
 * may fold any prefix of the fleet) report it failed.
 */
async function fleetInstalls(channel: string, failures: number): Promise<RemotePackage> {
  let offered: RemotePackage | undefined;
  for (let start = 0; start < 100; start += 20) {
    await Promise.all(
      Array.from({ length: 20 }, async (_, offset) => {
        const index = start + offset;
        const manager = device(channel, `${channel}-device-${index}`);
        const update = (await query(manager, { appVersion: '1.0.0' }))!;
        offered = update;
        await promisify((done) => manager.reportStatusDownload(update, done));
        const status = (index * failures) % 100 < failures ? 'DeploymentFailed' : 'DeploymentSucceeded';
        await promisify((done) => manager.reportStatusDeploy(update, status, '1.0.0', null, done));
      }),
    );
  }
  return offered!;
}

/** What update_check answers a device that runs `pkg` (the SDK drops `should_run_binary_version`, so it is read raw). */
async function answerFor(channel: string, pkg: RemotePackage): Promise<any> {
  const url = new URL(`${stack.apiUrl}/v0.1/public/codepush/update_check`);
  url.search = new URLSearchParams({
    deployment_key: keys[channel]!,
    app_version: '1.0.0',
    label: pkg.label,
    package_hash: pkg.packageHash,
    client_unique_id: `${channel}-device-0`,
  }).toString();
  return ((await (await fetch(url)).json()) as { update_info: unknown }).update_info;
}

beforeAll(async () => {
  stack = await startTestStack({
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0', HOTPATCH_TIMER_SECONDS: String(TIMER_SECONDS) },
  });
  const app = await stack.registry.create({ name: 'fleet', platforms: ['android'] });
  keys.staging = app.channels.staging!.deploymentKeys.android!;
  keys.production = app.channels.production!.deploymentKeys.android!;
  const oss = new OSS({ endpoint: stack.ossUrl, bucket: 'hotpatch', ...DEV_CREDENTIALS });
  for (const channel of ['staging', 'production']) {
    await manage('PUT', `/v1/apps/fleet/channels/${channel}/halt-policy`, { haltPolicy: POLICY });
    await oss.put(
      `uploads/fleet/android/${channel}.zip`,
      await makeZip({ 'CodePush/index.android.bundle': `bundle for ${channel}` }),
      { meta: { target: '1.0.x', channel } } as unknown as OSS.PutObjectOptions,
    );
  }
  await stack.triggers.idle();
}, 30_000);

afterAll(() => stack.close());

describe('auto-halt with the real code-push acquisition SDK', () => {
  it('15 of 100 installs failing: the timer disables the release within one period, and a device on it is told to roll back', async () => {
    const pkg = await fleetInstalls('staging', 15);
    expect(await answerFor('staging', pkg)).toMatchObject({ is_available: false, should_run_binary_version: false });
    // Within one timer period: by the end of the first run that starts after the last report (the run under
    // way when it landed, if any, may have missed it). Counted in runs, not seconds: the machine may be loaded.
    const runsBefore = stack.timerRunsCompleted;
    let history: any;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      history = await manage('GET', '/v1/apps/fleet/android/staging/history');
    } while (!history.releases[0].disabled && stack.timerRunsCompleted < runsBefore + 2);
    history = await manage('GET', '/v1/apps/fleet/android/staging/history');
    expect(history.releases[0]).toMatchObject({ label: 'v1', disabled: true, lastPatch: { by: 'auto-halt' } });
    // The numbers it decided on: the whole fleet, or the part folded when the period fell mid-fleet.
    const { installed, failed, failureRatePercent, policy } = history.releases[0].autoHalt;
    expect(policy).toEqual(POLICY);
    expect(installed + failed).toBeGreaterThanOrEqual(POLICY.minInstalls);
    expect(failureRatePercent).toBeGreaterThanOrEqual(POLICY.failureRatePercent);
    expect(failureRatePercent).toBeCloseTo((failed * 100) / (installed + failed), 1);
    expect(await answerFor('staging', pkg)).toMatchObject({ is_available: false, should_run_binary_version: true });
    // A device still on the binary is no longer offered it.
    expect(await query(device('staging', 'late-device'), { appVersion: '1.0.0' })).toBeNull();
    const health = await manage('GET', '/v1/apps/fleet/android/staging/health');
    expect(health).toMatchObject({
      releases: [
        { label: 'v1', downloaded: 100, installed: 85, failed: 15, active: 85, failureRate: 0.15, disabled: true },
      ],
      haltPolicy: POLICY,
      pendingReports: 0,
    });
  }, 30_000);

  it('5 of 100 failing: the release stays enabled', async () => {
    const pkg = await fleetInstalls('production', 5);
    await stack.runTimer();
    await stack.runTimer();
    const history = await manage('GET', '/v1/apps/fleet/android/production/history');
    expect(history.releases[0]).toMatchObject({ label: 'v1', disabled: false });
    expect(history.releases[0].autoHalt).toBeUndefined();
    expect(await answerFor('production', pkg)).toMatchObject({ should_run_binary_version: false });
    const metrics = await manage('GET', '/v1/apps/fleet/android/production/metrics');
    expect(metrics.metrics.v1).toEqual({ active: 95, downloaded: 100, installed: 95, failed: 5 });
    // The health answer carries the folded numbers over time: the newest point is the latest fold.
    const health = await manage('GET', '/v1/apps/fleet/android/production/health');
    expect(health.releases[0].history.at(-1)).toEqual({
      at: health.foldedAt,
      downloaded: 100,
      installed: 95,
      failed: 5,
      active: 95,
    });
  }, 30_000);
});
