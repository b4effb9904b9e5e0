import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

/**
 * Expo launch assets as bsdiff patches (RFC 3229, as expo-updates asks): two updates of an export whose bundle
 * changed by one line; a device on the first downloads the second's launch asset through the manifest's URL
 * with `A-IM: bsdiff` and gets `226 IM Used` and a patch Debian bspatch turns into the exact bundle.
 */

const FIXTURE = path.join(__dirname, '..', '..', '..', 'fixtures', 'expo');
const RUNTIME = '1.0.0';
const EMBEDDED = randomUUID();

let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-expo-patches-'));
const hotpatch = (...args: string[]): Promise<HotpatchRun> => runHotpatch(env, args);
const hashOf = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('base64url');

const metadata = JSON.parse(readFileSync(path.join(FIXTURE, 'dist', 'metadata.json'), 'utf8')) as {
  fileMetadata: Record<'ios' | 'android', { bundle: string }>;
};

/** A Metro-style bundle (one `__d(…)` module a line, sequential ids), large enough for a patch to pay. */
const modules = Array.from(
  { length: 400 },
  (_, n) =>
    `__d(function(g,r,i,a,m,e,d){"use strict";var s${n}=r(d[0]);e.render${n}=function(t){return s${n}.createElement("View",{id:${n * 7}})};},${n},[]);`,
);
const bundles = {
  v1: modules.join('\n'),
  // A one-line change.
  v2: modules.map((line, n) => (n === 200 ? line.replace('"View"', '"Text"') : line)).join('\n'),
};

/** The fixture export with its iOS bundle replaced. */
function exportWith(name: keyof typeof bundles): string {
  const folder = path.join(work, name);
  cpSync(path.join(FIXTURE, 'dist'), folder, { recursive: true });
  writeFileSync(path.join(folder, metadata.fileMetadata.ios.bundle), bundles[name]);
  return folder;
}

interface Manifest {
  id: string;
  launchAsset: { hash: string; url: string; contentType: string };
}

async function manifestFor(currentUpdateId: string): Promise<Manifest> {
  const response = await fetch(`${stack.apiUrl}/v1/expo/expoapp/manifest`, {
    headers: {
      accept: 'application/expo+json',
      'expo-protocol-version': '1',
      'expo-platform': 'ios',
      'expo-runtime-version': RUNTIME,
      'expo-channel-name': 'staging',
      'expo-current-update-id': currentUpdateId,
      'expo-embedded-update-id': EMBEDDED,
    },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Manifest;
}

async function release(name: keyof typeof bundles): Promise<string> {
  const run = await hotpatch(
    'release',
    '--expo',
    exportWith(name),
    '--app',
    'expoapp',
    '--platform',
    'ios',
    '--runtime-version',
    RUNTIME,
    '--json',
  );
  expect(run.code).toBe(0);
  return (await manifestFor(EMBEDDED)).id;
}

/** The launch asset download of expo-updates (§7 and §8 of the protocol), with or without `A-IM`. */
function download(manifest: Manifest, currentUpdateId: string, aIm: boolean): Promise<Response> {
  return fetch(manifest.launchAsset.url, {
    headers: {
      accept: '*/*',
      'expo-platform': 'ios',
      'expo-protocol-version': '1',
      'expo-runtime-version': RUNTIME,
      'expo-current-update-id': currentUpdateId,
      'expo-embedded-update-id': EMBEDDED,
      'expo-requested-update-id': manifest.id,
      ...(aIm ? { 'a-im': 'bsdiff' } : {}),
    },
  });
}

function bspatch(base: string, patch: Buffer): Buffer {
  writeFileSync(path.join(work, 'base'), base);
  writeFileSync(path.join(work, 'patch'), patch);
  execFileSync('bspatch', [path.join(work, 'base'), path.join(work, 'rebuilt'), path.join(work, 'patch')]);
  return readFileSync(path.join(work, 'rebuilt'));
}

const VARY = 'A-IM, Expo-Current-Update-ID, Expo-Embedded-Update-ID';
let v1: string;
let v2: Manifest;

beforeAll(async () => {
  stack = await startTestStack({ functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' } });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
  expect((await hotpatch('app', 'add', 'expoapp', '--platforms', 'ios,android')).code).toBe(0);
  v1 = await release('v1');
  await release('v2');
  v2 = await manifestFor(v1);
});

afterAll(async () => {
  await stack.close();
  rmSync(work, { recursive: true, force: true });
});

describe('Expo launch assets as bsdiff patches', () => {
  it('the manifest points the launch asset at the patching route, named by its hash', () => {
    expect(v2.launchAsset.hash).toBe(hashOf(bundles.v2));
    expect(v2.launchAsset.url).toBe(`${stack.apiUrl}/v1/expo/expoapp/ios/staging/assets/${v2.launchAsset.hash}`);
  });

  it('a device on v1 asking with A-IM: bsdiff gets 226 and a patch bspatch turns into the exact v2 bundle', async () => {
    const answer = await download(v2, v1, true);
    expect(answer.status).toBe(226);
    expect(answer.headers.get('im')).toBe('bsdiff');
    expect(answer.headers.get('expo-base-update-id')).toBe(v1);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    expect(answer.headers.get('vary')).toBe(VARY);
    const patch = Buffer.from(await answer.arrayBuffer());
    expect(patch.subarray(0, 8).toString('latin1')).toBe('BSDIFF40');
    expect(hashOf(bspatch(bundles.v1, patch))).toBe(v2.launchAsset.hash);
    // What the device downloads for a one-line change: the patch against the full bundle.
    const full = Buffer.from(await (await download(v2, v1, false)).arrayBuffer());
    expect(patch.length).toBeLessThan(full.length * 0.1);
    process.stdout.write(`expo one-line change: full ${full.length} bytes, patch ${patch.length} bytes\n`);
  });

  it('without A-IM, or from an unknown update, the device gets the full asset, cacheable and immutable', async () => {
    for (const [current, aIm] of [
      [v1, false],
      [randomUUID(), true],
      [v2.id, true],
    ] as const) {
      const redirect = await fetch(v2.launchAsset.url, {
        redirect: 'manual',
        headers: { 'expo-current-update-id': current, ...(aIm ? { 'a-im': 'bsdiff' } : {}) },
      });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(redirect.headers.get('vary')).toBe(VARY);
      const answer = await download(v2, current, aIm);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('im')).toBeNull();
      expect(hashOf(Buffer.from(await answer.arrayBuffer()))).toBe(v2.launchAsset.hash);
    }
  });

  it('an unknown asset or deployment is a 404 JSON error', async () => {
    for (const url of [
      `${stack.apiUrl}/v1/expo/expoapp/ios/staging/assets/${'A'.repeat(43)}`,
      `${stack.apiUrl}/v1/expo/nope/ios/staging/assets/${v2.launchAsset.hash}`,
    ]) {
      const answer = await fetch(url);
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('NotFound');
    }
  });

  it('a registered Expo build gives a device on its embedded update a 226 patch', async () => {
    writeFileSync(path.join(work, 'embedded.js'), bundles.v1);
    const registered = await hotpatch(
      'build',
      'register',
      '--app',
      'expoapp',
      '--platform',
      'ios',
      '--runtime-version',
      RUNTIME,
      '--embedded-update-id',
      EMBEDDED,
      '--bundle',
      path.join(work, 'embedded.js'),
    );
    expect(registered.code).toBe(0);
    const manifest = await manifestFor(EMBEDDED);
    const answer = await download(manifest, EMBEDDED, true);
    expect(answer.status).toBe(226);
    expect(answer.headers.get('expo-base-update-id')).toBe(EMBEDDED);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    const patch = Buffer.from(await answer.arrayBuffer());
    expect(hashOf(bspatch(bundles.v1, patch))).toBe(manifest.launchAsset.hash);
  });
});
