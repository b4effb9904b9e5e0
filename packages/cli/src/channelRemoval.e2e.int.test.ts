import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readJson, writeJson } from '@hotpatch/common';
import { storageKeys } from '@hotpatch/core';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

/**
 * `hotpatch channel rm` end to end: afterwards every public route answers "not found" for the channel within
 * the publish-to-visible delay (HOTPATCH_CATALOG_TTL_SECONDS), here 0 and 1 second.
 */
describe.each([0, 1])('after `hotpatch channel rm`, with HOTPATCH_CATALOG_TTL_SECONDS=%i', (ttlSeconds) => {
  let stack: LocalStack;
  let env: Record<string, string>;
  let betaKey: string;
  let betaCatalog: unknown;
  const catalogKey = storageKeys.catalog({ app: 'shop', platform: 'ios', channel: 'beta' });
  const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-channel-rm-'));

  const hotpatch = (...args: string[]): Promise<HotpatchRun> => runHotpatch(env, args);

  /** What each public route answers for the beta channel: HTTP statuses, in route order. */
  async function publicAnswers(): Promise<number[]> {
    const check = await fetch(`${stack.apiUrl}/v1/check?app=shop&platform=ios&channel=beta&appVersion=1.2.0`);
    const codePush = await fetch(
      `${stack.apiUrl}/v0.1/public/codepush/update_check?deployment_key=${betaKey}&app_version=1.2.0`,
    );
    const legacy = await fetch(`${stack.apiUrl}/updateCheck?deploymentKey=${betaKey}&appVersion=1.2.0`);
    const report = (route: string, body: object) =>
      fetch(`${stack.apiUrl}${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const deploy = await report('/v0.1/public/codepush/report_status/deploy', {
      deployment_key: betaKey,
      app_version: '1.2.0',
      label: 'v1',
      status: 'DeploymentSucceeded',
    });
    const download = await report('/reportStatus/download', { deploymentKey: betaKey, label: 'v1' });
    return [check.status, codePush.status, legacy.status, deploy.status, download.status];
  }

  beforeAll(async () => {
    stack = await startTestStack({
      dataDir: path.join(work, 'data'),
      functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: String(ttlSeconds) },
    });
    env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
    expect((await hotpatch('app', 'add', 'shop', '--platforms', 'ios')).code).toBe(0);
    expect((await hotpatch('channel', 'add', 'shop', 'beta')).code).toBe(0);
    betaKey = (await stack.registry.get('shop'))!.channels.beta!.deploymentKeys.ios!;
    const folder = path.join(work, 'CodePush');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'main.jsbundle'), 'console.log("beta")');
    expect(
      (
        await hotpatch(
          'release',
          folder,
          '--app',
          'shop',
          '--platform',
          'ios',
          '--target',
          '^1.0.0',
          '--channel',
          'beta',
        )
      ).code,
    ).toBe(0);
    betaCatalog = await readJson(stack.oss.store('hotpatch'), catalogKey, (json) => json);
    expect(betaCatalog).toMatchObject({ releases: [{ label: 'v1' }] });
    await new Promise((resolve) => setTimeout(resolve, ttlSeconds * 1000 + 100));
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers 404 on the check routes and refuses reports (400) once the cache period has passed', async () => {
    expect(await publicAnswers()).toEqual([200, 200, 200, 200, 200]);
    const removed = await hotpatch('channel', 'rm', 'shop', 'beta');
    expect(removed.code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, ttlSeconds * 1000 + 100));
    expect(await publicAnswers()).toEqual([404, 404, 404, 400, 400]);
    const answer = await (
      await fetch(`${stack.apiUrl}/v1/check?app=shop&platform=ios&channel=beta&appVersion=1.2.0`)
    ).json();
    expect(answer).toEqual({
      error: { code: 'NotFound', message: 'no deployment for app "shop", platform "ios", channel "beta"' },
    });
  });

  it('keeps answering 404 when a catalog of the removed channel appears again (a release racing the removal)', async () => {
    await writeJson(stack.oss.store('hotpatch'), catalogKey, betaCatalog);
    await new Promise((resolve) => setTimeout(resolve, ttlSeconds * 1000 + 100));
    expect((await publicAnswers())[0]).toBe(404);
  });
});
