import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IMMUTABLE_CACHE_CONTROL } from '@hotpatch/common';
import type { CheckResponse } from '@hotpatch/core';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

/**
 * Binary patches end to end, driven through the CLI against the local stack: releases get BSDIFF40 patches
 * from earlier releases and from registered store builds; /v1/check offers them; Debian's bspatch rebuilds the
 * exact bundle from what a device downloads; CodePush answers do not change.
 */

let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-patches-'));
const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
const hotpatch = (...args: string[]): Promise<HotpatchRun> => runHotpatch(env, args);

/** A Metro-style bundle: one `__d(…)` module a line with sequential ids. */
function metro(modules: string[]): string {
  return modules.map((body, id) => `__d(function(g,r,i,a,m,e,d){${body}},${id},[${id > 0 ? id - 1 : ''}]);`).join('\n');
}
const modules = Array.from(
  { length: 400 },
  (_, n) =>
    `"use strict";var s${n}=r(d[0]);e.render${n}=function(t){return s${n}.createElement("View",{id:${n * 7}})};`,
);
const bundles = {
  v1: metro(modules),
  // One module added early (every later id shifts) and one small edit.
  v2: metro([...modules.slice(0, 3), 'e.added=1;', ...modules.slice(3)].map((m, n) => (n === 200 ? `${m}x();` : m))),
  unrelated: randomBytes(60_000).toString('base64'),
};

function folder(name: string, bundle: string): string {
  const root = path.join(work, name, 'CodePush');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'main.jsbundle'), bundle);
  writeFileSync(path.join(root, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  return root;
}

async function release(name: keyof typeof bundles, platform = 'ios'): Promise<string> {
  let target = folder(name, bundles[name]);
  if (platform === 'android') {
    // A single bundle file: the release is the bundle alone, so a store build's bundle is a complete base.
    target = path.join(work, `${name}.android.bundle`);
    writeFileSync(target, bundles[name]);
  }
  const run = await hotpatch(
    'release',
    target,
    '--app',
    'shop',
    '--platform',
    platform,
    '--target',
    '^1.2.0',
    '--json',
  );
  expect(run.code).toBe(0);
  return run.json.release.packageHash as string;
}

async function check(query: Record<string, string>, platform = 'ios'): Promise<CheckResponse> {
  const search = new URLSearchParams({
    app: 'shop',
    platform,
    channel: 'staging',
    appVersion: '1.2.0',
    ...query,
  });
  return (await (await fetch(`${stack.apiUrl}/v1/check?${search.toString()}`)).json()) as CheckResponse;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  // Hash-addressed content: every cache on the way may keep it for a year.
  expect(response.headers.get('cache-control')).toBe(IMMUTABLE_CACHE_CONTROL);
  return Buffer.from(await response.arrayBuffer());
}

function bspatch(base: string, patch: Buffer): Buffer {
  writeFileSync(path.join(work, 'base'), base);
  writeFileSync(path.join(work, 'patch'), patch);
  execFileSync('bspatch', [path.join(work, 'base'), path.join(work, 'rebuilt'), path.join(work, 'patch')]);
  return readFileSync(path.join(work, 'rebuilt'));
}

let v1Hash: string;
let v2Hash: string;

beforeAll(async () => {
  stack = await startTestStack({ functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' } });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
  expect((await hotpatch('app', 'add', 'shop', '--platforms', 'ios,android')).code).toBe(0);
  v1Hash = await release('v1');
  v2Hash = await release('v2');
});

afterAll(async () => {
  await stack.close();
});

describe('binary patches', () => {
  it('a device on v1 gets a patch that Debian bspatch turns into the exact v2 bundle', async () => {
    const answer = await check({ bundleHash: v1Hash });
    expect(answer.status).toBe('update');
    const offered = answer.status === 'update' ? answer.release : undefined;
    expect(offered?.patch).toEqual({
      url: expect.stringContaining('/patches/'),
      size: expect.any(Number),
      algorithm: 'bsdiff40',
      fromHash: sha256(bundles.v1),
      bundleSha256: sha256(bundles.v2),
    });
    const patch = await download(offered!.patch!.url);
    expect(patch.length).toBe(offered!.patch!.size);
    expect(sha256(bspatch(bundles.v1, patch))).toBe(sha256(bundles.v2));
    // A one-line change: the patch is a sliver of the full download (which is still offered, and immutable too).
    const full = await download(offered!.url);
    expect(patch.length).toBeLessThan(full.length * 0.05);
  });

  it('an unknown base, or the embedded bundle of an unregistered build, gets the full package only', async () => {
    for (const query of [{ bundleHash: 'e'.repeat(64) }, {}] as Record<string, string>[]) {
      const answer = await check(query);
      expect(answer).toMatchObject({ status: 'update', release: { hash: v2Hash } });
      expect(answer.status === 'update' && 'patch' in answer.release).toBe(false);
    }
  });

  it('CodePush answers are unchanged: the same fields, a file-level diff, no patch', async () => {
    const app = (await hotpatch('app', 'show', 'shop', '--json')).json.app;
    const query = new URLSearchParams({
      deployment_key: app.channels.staging.deploymentKeys.ios,
      app_version: '1.2.0',
      client_unique_id: 'device-1',
      label: 'v1',
      package_hash: v1Hash,
    });
    const body = (await (
      await fetch(`${stack.apiUrl}/v0.1/public/codepush/update_check?${query.toString()}`)
    ).json()) as {
      update_info: Record<string, unknown>;
    };
    expect(Object.keys(body.update_info).sort()).toEqual(
      [
        'app_version',
        'description',
        'download_url',
        'is_available',
        'is_mandatory',
        'label',
        'package_hash',
        'package_size',
        'should_run_binary_version',
        'target_binary_range',
        'update_app_version',
      ].sort(),
    );
    expect(body.update_info.download_url).toEqual(expect.stringContaining('/diffs/'));
    await download(body.update_info.download_url as string);
  });

  it('a registered store build gives fresh installs a patch; build ls and rm manage it', async () => {
    await release('v2', 'android');
    writeFileSync(path.join(work, 'embedded.bundle'), bundles.v1);
    const build = (...args: string[]) => hotpatch('build', ...args, '--app', 'shop', '--platform', 'android');
    const registered = await build(
      'register',
      '--binary-version',
      '1.2',
      '--bundle',
      path.join(work, 'embedded.bundle'),
    );
    expect(registered.code).toBe(0);
    expect(registered.stdout).toContain('registered binary-1.2.0: binary 1.2.0');
    expect(registered.stdout).toContain('patches for fresh installs: staging v1');

    // No bundleHash: the device runs the bundle of its binary, 1.2 here.
    const fresh = await check({}, 'android');
    const patch = fresh.status === 'update' ? fresh.release.patch : undefined;
    expect(patch).toMatchObject({ fromHash: sha256(bundles.v1), bundleSha256: sha256(bundles.v2) });
    expect(sha256(bspatch(bundles.v1, await download(patch!.url)))).toBe(sha256(bundles.v2));
    const other = await check({ appVersion: '1.3.0' }, 'android');
    expect(other.status === 'update' && 'patch' in other.release).toBe(false);

    expect((await build('ls', '--json')).json.builds).toEqual([
      expect.objectContaining({
        id: 'binary-1.2.0',
        kind: 'native',
        binaryVersion: '1.2.0',
        bundleSha256: sha256(bundles.v1),
      }),
    ]);
    expect((await build('rm', 'binary-1.2.0')).code).toBe(0);
    expect((await build('ls', '--json')).json.builds).toEqual([]);
    const missing = await build('rm', 'binary-1.2.0');
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('404')]);
    const bad = await build('register', '--bundle', 'x');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--binary-version')]);
  });

  it('an unrelated bundle gets no patch (it could never pass the size gate): devices download the full package', async () => {
    await release('unrelated');
    const answer = await check({ bundleHash: v2Hash });
    expect(answer).toMatchObject({ status: 'update', release: { label: 'v3' } });
    expect(answer.status === 'update' && 'patch' in answer.release).toBe(false);
  });
});
