/**
 * The web console in a real browser: Debian's chromium, headless, driven by playwright-core, against the local
 * stack on free ports. A user signs in, creates an app, sees a release made with the CLI, promotes it at 20 %,
 * disables it and rolls back; a wrong secret, a `read` key and a key for other apps see what they should.
 * Release health (numbers and charts after CodePush status reports and a timer run, an auto-halt policy set in
 * the page halting a failing release) and Expo releases (runtime version, update id, "roll back to embedded").
 * Screenshots of the main pages go to test-results/console/ (gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEV_APP_KEY, type LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch } from '../packages/cli/src/testing/runHotpatch';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(__dirname, '..', 'test-results', 'console');
const READER = { key: 'dashboard', secret: 'dashboard-secret-0123' };
const OUTSIDER = { key: 'other-team', secret: 'other-team-secret-0123' };

let stack: LocalStack;
let context: BrowserContext;
let page: Page;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-console-'));

beforeAll(async () => {
  // `npm test` builds the console before jest; a bare `npx jest` after `tsc -b` alone would not.
  if (!existsSync(path.join(__dirname, '..', 'packages', 'console', 'dist', 'web', 'index.html')))
    throw new Error('the console is not built: run `node scripts/buildConsole.js` (npm test does it) first');
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: {
      HOTPATCH_CATALOG_TTL_SECONDS: '0',
      HOTPATCH_APP_KEYS: [
        `${DEV_APP_KEY.key}:${DEV_APP_KEY.secret}`,
        `${READER.key}:${READER.secret}:read`,
        `${OUTSIDER.key}:${OUTSIDER.secret}:admin:elsewhere`,
      ].join(','),
    },
  });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
  mkdirSync(SCREENSHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  // The console may reach nothing but its own origin: any other request fails the test.
  await context.route(
    (url) => url.origin !== new URL(stack.apiUrl).origin,
    (route) => route.abort(),
  );
}, 60_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
  rmSync(work, { recursive: true, force: true });
});

function bundleFolder(name: string, code: string): string {
  const folder = path.join(work, name, 'CodePush');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'main.jsbundle'), code);
  return folder;
}

async function release(name: string, code: string, channel: string, app = 'shop'): Promise<void> {
  const args = ['release', bundleFolder(name, code), '--app', app, '--platform', 'ios', '--target', '^1.0.0'];
  const outcome = await runHotpatch(env, [...args, '--channel', channel, '--description', `notes ${name}`]);
  expect([outcome.code, outcome.stderr]).toEqual([0, '']);
}

async function signIn(key: { key: string; secret: string }): Promise<void> {
  await page.goto(`${stack.apiUrl}/console/`);
  await page.getByLabel('Key id').fill(key.key);
  await page.getByLabel('Secret').fill(key.secret);
  await page.getByLabel('Secret').press('Enter');
}

const row = (label: string) => page.locator(`tr[data-label="${label}"]`);
const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('the console files, served by publishBundle', () => {
  it('serves index.html without a signature, revalidated, under a self-only CSP; hashed files for a year', async () => {
    const index = await fetch(`${stack.apiUrl}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
    const html = await index.text();
    const script = /src="(console-[A-Z0-9]{8}\.js)"/.exec(html)![1]!;
    const again = await fetch(`${stack.apiUrl}/console/`, { headers: { 'If-None-Match': index.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const asset = await fetch(`${stack.apiUrl}/console/${script}`);
    expect([asset.status, asset.headers.get('content-type'), asset.headers.get('cache-control')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ]);
    const bare = await fetch(`${stack.apiUrl}/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, 'console/']);
    expect((await fetch(`${stack.apiUrl}/console/missing.js`)).status).toBe(404);
    // The API beside it still requires a signature.
    expect((await fetch(`${stack.apiUrl}/v1/apps`)).status).toBe(401);
  });
});

describe('the console in Chromium', () => {
  it('says in words that the secret is wrong', async () => {
    await signIn({ key: DEV_APP_KEY.key, secret: 'not-the-secret-at-all' });
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong secret for this key id');
    await shot('sign-in-wrong-secret');
  });

  it('signs in and creates an app, then shows its deployment keys', async () => {
    await signIn(DEV_APP_KEY);
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.getByLabel('App name').fill('shop');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('heading', { name: 'shop' }).waitFor();
    const key = await page.getByRole('textbox', { name: 'Deployment key of production on ios' }).inputValue();
    expect(key).toMatch(/^\S{20,}$/);
    await shot('app');
  });

  it('shows a release made with the CLI, and its upload', async () => {
    await release('one', 'console.log("one")', 'production');
    await release('two', 'console.log("two")', 'staging');
    await page.reload();
    await page.getByText('accepted: ios staging v1').waitFor();
    await page.goto(`${stack.apiUrl}/console/#/apps/shop/ios/staging`);
    await row('v1').waitFor();
    await expect(row('v1').locator('td.description').textContent()).resolves.toBe('notes two');
  });

  it('promotes it to production at 20 %, after a confirmation that says what devices will see', async () => {
    await page.getByRole('button', { name: 'Promote v1…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('To channel').selectOption('production');
    await dialog.getByLabel('Rollout (% of devices)').fill('20');
    await expect(dialog.locator('.explain').textContent()).resolves.toBe(
      "20 % of devices on production whose binary matches ^1.0.0 get v1's content as production's next release on their next check.",
    );
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await page.getByText('Promoted to production as v2 at 20 %: devices see it on their next check.').waitFor();
    await page.getByRole('link', { name: 'production' }).click();
    await row('v2').waitFor();
    await expect(row('v2').locator('td.rollout').textContent()).resolves.toBe('20 %');
    await shot('releases');
    const check = await runHotpatch(env, [
      ...['check', '--app', 'shop', '--platform', 'ios', '--channel', 'production', '--app-version', '1.2.0'],
      ...['--json', '--client-id', 'device-in-cohort'],
    ]);
    expect(check.code).toBe(0);
  });

  it('disables it, then rolls production back to v1', async () => {
    await page.getByRole('button', { name: 'Disable v2' }).click();
    await expect(page.getByRole('dialog').locator('.explain').textContent()).resolves.toContain('roll back');
    await page.getByRole('dialog').getByRole('button', { name: 'Disable v2' }).click();
    await page.getByText('Disabled v2: devices see it on their next check.').waitFor();
    await expect(row('v2').locator('td.disabled-cell').textContent()).resolves.toBe('yes');

    await page.getByRole('button', { name: 'Roll back to v1…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByText("Rolled back: v3 has v1's content").waitFor();
    await expect(row('v3').textContent()).resolves.toContain('rollback of production v1');
    const history = await runHotpatch(env, [
      ...['history', '--app', 'shop', '--platform', 'ios', '--channel', 'production', '--json'],
    ]);
    expect(history.json.releases.map((r: { label: string; disabled: boolean }) => [r.label, r.disabled])).toEqual([
      ['v3', false],
      ['v2', true],
      ['v1', false],
    ]);
  });

  it('fits a 390×844 phone screen: the page does not scroll sideways, tables scroll inside', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await row('v3').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('releases-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('is usable by keyboard: Tab reaches the actions, Escape cancels a confirmation', async () => {
    const promote = page.getByRole('button', { name: 'Promote v3…' });
    await promote.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect(row('v3').locator('td.rollout').textContent()).resolves.toBe('100 %');
  });

  it('shows a read key no action, and the same releases', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(READER);
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create app' }).count()).toBe(0);
    await page.goto(`${stack.apiUrl}/console/#/apps/shop/ios/production`);
    await row('v3').waitFor();
    expect(await page.locator('table.releases button').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Remove|Promote|Disable|Roll back/ }).count()).toBe(0);
  });

  it('does not show an app to a key scoped to other apps', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(OUTSIDER);
    await page.getByText('No app this key may see yet.').waitFor();
    await page.goto(`${stack.apiUrl}/console/#/apps/shop/ios/production`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('has no access to app shop');
    expect(await row('v3').count()).toBe(0);
  });
});

/** A CodePush device's status reports, as the SDKs post them (download, then install succeeded or failed). */
async function reportInstall(deploymentKey: string, device: string, failed: boolean): Promise<void> {
  const codePush = `${stack.apiUrl}/v0.1/public/codepush/report_status`;
  const post = async (kind: string, body: object) => {
    const response = await fetch(`${codePush}/${kind}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ deployment_key: deploymentKey, client_unique_id: device, label: 'v1', ...body }),
    });
    expect(response.status).toBe(200);
  };
  await post('download', {});
  await post('deploy', {
    app_version: '1.0.0',
    status: failed ? 'DeploymentFailed' : 'DeploymentSucceeded',
    previous_label_or_app_version: '1.0.0',
  });
}

/** Signs in afresh, whoever was signed in before (these tests also run alone, with `-t`). */
async function signOutAndIn(key: { key: string; secret: string }): Promise<void> {
  await page.goto(`${stack.apiUrl}/console/`);
  await page.evaluate(() => sessionStorage.clear());
  await signIn(key);
  await page.getByRole('heading', { name: 'Apps' }).waitFor();
}

describe('release health and Expo in the console', () => {
  const health = (label: string) => page.locator(`table.health tr[data-health-label="${label}"]`);
  let fleetKey: string;

  beforeAll(async () => {
    const fleet = await stack.registry.create({ name: 'fleet', platforms: ['ios'] });
    fleetKey = fleet.channels.staging!.deploymentKeys.ios!;
    await stack.registry.create({ name: 'expoapp', platforms: ['ios'] });
    await release('fleet-one', 'console.log("fleet")', 'staging', 'fleet');
  });

  it("shows each release's downloads, installs, failures, active devices, failure rate and charts once the timer folds the reports", async () => {
    await signOutAndIn(DEV_APP_KEY);
    for (let device = 0; device < 10; device += 1) await reportInstall(fleetKey, `device-${device}`, device < 2);
    await stack.runTimer();
    await page.goto(`${stack.apiUrl}/console/#/apps/fleet/ios/staging`);
    await health('v1').waitFor();
    const cells = async (row: ReturnType<typeof health>) =>
      Promise.all(
        ['downloaded', 'installed', 'failed', 'active', 'failure-rate', 'status'].map((cell) =>
          row.locator(`td.${cell}`).textContent(),
        ),
      );
    expect(await cells(health('v1'))).toEqual(['10', '8', '2', '8', '20.0 %', 'Enabled']);
    await expect(page.locator('p.fold').textContent()).resolves.toContain('The fold last counted new reports');
    const adoption = health('v1').getByRole('img', { name: /v1 active devices over time/ });
    await expect(adoption.getAttribute('aria-label')).resolves.toMatch(/: 8 at .*\(1 points\)$/);
    await expect(
      health('v1')
        .getByRole('img', { name: /v1 failed installs over time/ })
        .count(),
    ).resolves.toBe(1);
    await expect(page.locator('#halt-policy').textContent()).resolves.toBe(
      'staging has no auto-halt policy: only a person disables a release.',
    );
  });

  it('sets an auto-halt policy after a confirmation; failures reported after it halt the release, and the page says why', async () => {
    await page.getByRole('button', { name: 'Set auto-halt policy…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Halt at failure rate (%)').fill('25');
    await dialog.getByLabel('Minimum install attempts').fill('12');
    await expect(dialog.locator('.explain').textContent()).resolves.toBe(
      'From the next fold, any enabled release on staging (every platform) with at least 12 install attempts and 25 % or more of them failed is disabled by auto-halt: devices on it roll back to the previous enabled release on their next check. It is never re-enabled automatically.',
    );
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Auto-halt policy of staging saved: it applies from the next fold.').waitFor();
    await expect(page.locator('#halt-policy').textContent()).resolves.toContain(
      'a release with at least 12 install attempts and a failure rate of 25 % or more (counting status reports only) is disabled automatically',
    );
    // 10 attempts at 20 %: below both thresholds, the release stays.
    await stack.runTimer();
    await page.reload();
    await expect(health('v1').locator('td.status').textContent()).resolves.toBe('Enabled');

    for (let device = 10; device < 13; device += 1) await reportInstall(fleetKey, `device-${device}`, true);
    await stack.runTimer();
    await page.reload();
    await health('v1').waitFor();
    await expect(health('v1').locator('td.status').textContent()).resolves.toMatch(
      /^Halted by auto-halt .+: 5 of 13 install attempts failed \(38\.46 %\), policy 25 % from 12 installs$/,
    );
    await expect(row('v1').locator('td.disabled-cell').textContent()).resolves.toBe('yes');
    await shot('release-health');
  });

  it('counts unverified Expo signals only when an admin ticks it, and keeps that choice when the numbers change', async () => {
    const policyText = () => page.locator('#halt-policy').textContent();
    await page.getByRole('button', { name: 'Change auto-halt policy…' }).click();
    let dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Also count unverified Expo signals').isChecked()).resolves.toBe(false);
    await dialog.getByLabel('Also count unverified Expo signals').check();
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Auto-halt policy of staging saved: it applies from the next fold.').waitFor();
    await expect(policyText()).resolves.toContain('(counting unauthenticated device-reported Expo signals too)');

    // Changing only the rate keeps the opt-in: the form starts from the stored policy.
    await page.getByRole('button', { name: 'Change auto-halt policy…' }).click();
    dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Also count unverified Expo signals').isChecked()).resolves.toBe(true);
    await dialog.getByLabel('Halt at failure rate (%)').fill('30');
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Auto-halt policy of staging saved: it applies from the next fold.').waitFor();
    await expect(policyText()).resolves.toContain(
      'a failure rate of 30 % or more (counting unauthenticated device-reported Expo signals too)',
    );
  });

  it("shows an Expo release's runtime version and update id, and rolls the channel back to the embedded bundle", async () => {
    const released = await runHotpatch(env, [
      ...['release', '--expo', path.join(__dirname, '..', 'fixtures', 'expo', 'dist'), '--app', 'expoapp'],
      ...['--platform', 'ios', '--runtime-version', '1.0.0', '--channel', 'production', '--json'],
    ]);
    expect([released.code, released.stderr]).toEqual([0, '']);
    const updateId = (released.json.releases as { id: string }[])[0]!.id;
    await page.goto(`${stack.apiUrl}/console/#/apps/expoapp/ios/production`);
    await page.getByRole('heading', { name: 'expoapp · ios · production' }).waitFor();
    await expect(row('v1').locator('td.target').textContent()).resolves.toBe(`runtime 1.0.0${updateId}`);

    await page.getByRole('button', { name: 'Roll back to the embedded bundle…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Runtime version').selectOption('1.0.0');
    await expect(dialog.locator('.explain').textContent()).resolves.toBe(
      'Devices on runtime version 1.0.0 that check production are told to roll back to embedded: on their next launch they run the JavaScript embedded in their binary instead of any update, until a newer update for their runtime version is released to production.',
    );
    await dialog.getByRole('button', { name: 'Roll back to embedded' }).click();
    await page
      .getByText(
        'Rolled back to the embedded bundle (devices on runtime version 1.0.0): devices see it on their next check.',
      )
      .waitFor();
    await expect(page.locator('tr.embedded-rollback').textContent()).resolves.toMatch(
      /^embeddedRolled back to the embedded bundle \(runtime version 1\.0\.0\) by /,
    );
    await shot('expo-releases');

    const manifest = await fetch(`${stack.apiUrl}/v1/expo/expoapp/manifest`, {
      headers: {
        Accept: 'multipart/mixed',
        'Expo-Platform': 'ios',
        'Expo-Protocol-Version': '1',
        'Expo-Runtime-Version': '1.0.0',
        'Expo-Current-Update-ID': updateId,
        'Expo-Embedded-Update-ID': '00000000-0000-4000-8000-000000000000',
        'EAS-Client-ID': 'a1b2c3d4-0000-4000-8000-000000000001',
        'expo-channel-name': 'production',
      },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    expect(await manifest.text()).toMatch(/"type":\s*"rollBackToEmbedded"/);
  });

  it('shows a read key the health, the policy and the embedded rollback, but no action on them', async () => {
    await signOutAndIn(READER);
    await page.goto(`${stack.apiUrl}/console/#/apps/fleet/ios/staging`);
    await page.getByRole('heading', { name: 'fleet · ios · staging' }).waitFor();
    await expect(health('v1').locator('td.failed').textContent()).resolves.toBe('5');
    await expect(page.locator('#halt-policy').textContent()).resolves.toContain('30 %');
    expect(await page.getByRole('button', { name: /auto-halt/ }).count()).toBe(0);
    await page.goto(`${stack.apiUrl}/console/#/apps/expoapp/ios/production`);
    await page.getByRole('heading', { name: 'expoapp · ios · production' }).waitFor();
    await page.locator('tr.embedded-rollback').waitFor();
    expect(await page.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
  });
});
