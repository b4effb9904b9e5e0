import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metroBundlePair } from '@hotpatch/bsdiff/testing';
import {
  findPatch,
  releaseEntry,
  storageKeys,
  type DeploymentRef,
  type Release,
  type ReleaseCandidate,
} from '@hotpatch/core';
import { createLogger } from '../logging';
import { appendToLog } from '../releases/appendToLog';
import { loadDeploymentState } from '../releases/loadDeploymentState';
import { createMemoryStore } from '../storage/createMemoryStore';
import { IMMUTABLE_CACHE_CONTROL, type ObjectStore } from '../storage/ObjectStore';
import { BSDIFF_ENGINE, buildBinaryPatches, type PatchBuildOptions, type PatchEngine } from './buildBinaryPatches';
import { patchLimits } from './patchSettings';
import { patchReleasesForBuild, registerBuild } from './registerBuild';

const deployment: DeploymentRef = { app: 'shop', platform: 'android', channel: 'staging' };
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const { v1, v2 } = metroBundlePair(120_000);

let store: ObjectStore;
const warnings: string[] = [];
const infos: { message: string; skipped?: string[]; from?: string }[] = [];
const options = (overrides: Partial<PatchBuildOptions> = {}): PatchBuildOptions => ({
  logger: createLogger({
    service: 'test',
    level: 'debug',
    write: (line) => {
      const parsed = JSON.parse(line) as { level: string; message: string };
      if (parsed.level === 'warn') warnings.push(parsed.message);
      if (parsed.level === 'info') infos.push(parsed);
    },
  }),
  settings: { maxBases: 5, maxRatio: 0.3, maxInputBytes: 1 << 20, timeBudgetMs: 60_000 },
  tempDirectory: tmpdir(),
  by: 'test',
  now: () => new Date('2026-12-01T00:00:00Z'),
  ...overrides,
});

/** Releases a single bundle file as uploadBundle stores one (content by the SHA-256 of its bytes). */
async function release(bytes: Uint8Array, targetBinaryRange = '1.x'): Promise<Release> {
  const hash = sha256(bytes);
  const contentKey = storageKeys.packageContent(hash, 'bundle.js');
  await store.put(contentKey, Buffer.from(bytes));
  const candidate: ReleaseCandidate = {
    packageHash: hash,
    archiveSha256: hash,
    contentKey,
    contentKind: 'bundle',
    manifestKey: undefined,
    size: bytes.length,
    bundlePath: 'index.android.bundle',
    targetBinaryRange,
    description: '',
    mandatory: false,
    rollout: 100,
    disabled: false,
    signed: false,
    uploadId: undefined,
  };
  return appendToLog(store, deployment, (catalog) => {
    const entry = releaseEntry(catalog, candidate, '2026-12-01T00:00:00Z', 'test');
    return { append: entry, outcome: () => entry.release };
  });
}

async function current(label: string): Promise<Release> {
  return (await loadDeploymentState(store, deployment)).releases.find((candidate) => candidate.label === label)!;
}

function debianBspatch(old: Uint8Array, patch: Buffer): Buffer {
  const work = mkdtempSync(path.join(tmpdir(), 'bspatch-'));
  try {
    writeFileSync(path.join(work, 'old'), old);
    writeFileSync(path.join(work, 'patch'), patch);
    execFileSync('bspatch', [path.join(work, 'old'), path.join(work, 'new'), path.join(work, 'patch')]);
    return readFileSync(path.join(work, 'new'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

beforeEach(() => {
  store = createMemoryStore();
  warnings.length = 0;
  infos.length = 0;
});

describe('buildBinaryPatches', () => {
  it('stores a verified patch from the previous release, immutable, that Debian bspatch applies exactly', async () => {
    const base = await release(v1);
    await release(v2);
    expect(await buildBinaryPatches(store, deployment, 'v2', options())).toBe(1);
    const patch = (await current('v2')).patches?.[base.packageHash];
    expect(patch).toEqual({
      contentKey: storageKeys.binaryPatch(sha256(v2), sha256(v1)),
      size: expect.any(Number),
      baseSha256: sha256(v1),
      targetSha256: sha256(v2),
    });
    const stored = await store.get(patch!.contentKey);
    expect(stored?.status === 'found' && stored.info.cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
    const bytes = stored?.status === 'found' ? stored.body : Buffer.alloc(0);
    expect(bytes.length).toBe(patch!.size);
    expect(sha256(debianBspatch(v1, bytes))).toBe(sha256(v2));
    // A second run finds it recorded and adds nothing.
    expect(await buildBinaryPatches(store, deployment, 'v2', options())).toBe(0);
  });

  it('never stores a patch that does not rebuild its target (a broken engine), and records nothing', async () => {
    await release(v1);
    await release(v2);
    const broken: PatchEngine = {
      // Rebuilds a bundle of the right size with one wrong byte: only the SHA-256 check catches it.
      diff: (base, target, budget) =>
        BSDIFF_ENGINE.diff(
          base,
          Uint8Array.from(target, (byte, at) => (at === 100 ? byte ^ 1 : byte)),
          budget,
        ),
      apply: BSDIFF_ENGINE.apply,
    };
    expect(await buildBinaryPatches(store, deployment, 'v2', options({ engine: broken }))).toBe(0);
    expect((await store.list({ prefix: 'patches/' })).objects).toEqual([]);
    expect((await current('v2')).patches).toBeUndefined();
    expect(warnings).toContain('patch does not rebuild the release bundle; not stored');

    const garbage: PatchEngine = { diff: () => new Uint8Array(40), apply: BSDIFF_ENGINE.apply };
    expect(await buildBinaryPatches(store, deployment, 'v2', options({ engine: garbage }))).toBe(0);
    expect((await store.list({ prefix: 'patches/' })).objects).toEqual([]);
  });

  it('keeps a patch only up to the configured share of the gzip’d bundle', async () => {
    await release(v1);
    await release(v2);
    // The patch is well under 1 % of the gzip'd bundle: a 0.1 % gate refuses it, 5 % keeps it.
    expect(
      await buildBinaryPatches(
        store,
        deployment,
        'v2',
        options({ settings: { ...options().settings, maxRatio: 0.001 } }),
      ),
    ).toBe(0);
    expect((await store.list({ prefix: 'patches/' })).objects).toEqual([]);
    expect(
      await buildBinaryPatches(
        store,
        deployment,
        'v2',
        options({ settings: { ...options().settings, maxRatio: 0.05 } }),
      ),
    ).toBe(1);
  });

  it('does not even diff a bundle that shares (almost) nothing with its base', async () => {
    await release(Buffer.from(v1).reverse());
    await release(v2);
    const calls: number[] = [];
    const counting: PatchEngine = {
      diff: (base, target, budget) => {
        calls.push(budget);
        return BSDIFF_ENGINE.diff(base, target, budget);
      },
      apply: BSDIFF_ENGINE.apply,
    };
    expect(await buildBinaryPatches(store, deployment, 'v2', options({ engine: counting }))).toBe(0);
    expect(calls).toEqual([]);
  });

  it('takes at most the configured number of recent releases as bases', async () => {
    const bundles = [0, 1, 2, 3].map((n) => Buffer.concat([Buffer.from(v1), Buffer.from(`\n// build ${n}`)]));
    for (const bytes of bundles) await release(bytes);
    await release(v2);
    await buildBinaryPatches(
      store,
      deployment,
      'v5',
      options({ settings: { ...options().settings, maxBases: 2, maxRatio: 1 } }),
    );
    expect(Object.keys((await current('v5')).patches ?? {})).toEqual([sha256(bundles[3]!), sha256(bundles[2]!)]);
  });

  it('gives a fresh install of a registered build a patch, found by its binary version', async () => {
    await release(v2, '^1.4.0');
    const build = await registerBuild(
      store,
      { app: 'shop', platform: 'android', kind: 'native', binaryVersion: '1.4.0', bundle: Buffer.from(v1) },
      new Date('2026-12-01T00:00:00Z'),
      'test',
    );
    expect(await patchReleasesForBuild(store, build, ['staging', 'production'], options())).toEqual({ staging: 'v1' });
    const target = await current('v1');
    const patch = findPatch(target, { bundleHash: undefined, appVersion: '1.4.0' });
    expect(patch).toMatchObject({ baseSha256: sha256(v1), targetSha256: sha256(v2) });
    expect(findPatch(target, { bundleHash: undefined, appVersion: '1.5.0' })).toBeUndefined();
    expect(findPatch(target, { bundleHash: 'f'.repeat(64), appVersion: '1.4.0' })).toBeUndefined();
    // A release it cannot receive gets no patch from it.
    const other = await registerBuild(
      store,
      { app: 'shop', platform: 'android', kind: 'native', binaryVersion: '2.0.0', bundle: Buffer.from(v1) },
      new Date(),
      'test',
    );
    expect(await patchReleasesForBuild(store, other, ['staging'], options())).toEqual({});
  });

  it('makes no patch from or to a bundle over the input limit (bsdiff would outgrow the function), and says so', async () => {
    const diffed: number[] = [];
    const counting: PatchEngine = {
      diff: (base, target, budget) => {
        diffed.push(base.length);
        return BSDIFF_ENGINE.diff(base, target, budget);
      },
      apply: BSDIFF_ENGINE.apply,
    };
    const big = Buffer.concat([Buffer.from(v1), Buffer.from(v1)]);
    await release(big);
    await release(v1);
    await release(v2);
    const limit = { ...options().settings, maxInputBytes: v2.length + 1000 };
    // v2's bases: v1 (in the limit) gets a patch, the doubled bundle (over it) is never diffed.
    expect(await buildBinaryPatches(store, deployment, 'v3', options({ settings: limit, engine: counting }))).toBe(1);
    expect(diffed).toEqual([v1.length]);
    expect(Object.keys((await current('v3')).patches ?? {})).toEqual([sha256(v1)]);
    expect(infos.map(({ message }) => message)).toContain(
      'base too large to patch from in this function; devices on it download the full package',
    );
    // A target over the limit: nothing is diffed at all.
    await release(Buffer.concat([Buffer.from(v2), Buffer.from(v2)]));
    diffed.length = 0;
    expect(await buildBinaryPatches(store, deployment, 'v4', options({ settings: limit, engine: counting }))).toBe(0);
    expect(diffed).toEqual([]);
    expect(infos.map(({ message }) => message)).toContain(
      'bundle too large to patch in this function; devices download the full package',
    );
  });

  it('begins no base after the deadline, and records the patches made before it', async () => {
    const bundles = [0, 1, 2].map((n) => Buffer.concat([Buffer.from(v1), Buffer.from(`\n// build ${n}`)]));
    for (const bytes of bundles) await release(bytes);
    await release(v2);
    // Each diff takes 10 "seconds" of the clock; the deadline lies 15 s after the start: two bases are begun.
    let clock = Date.parse('2026-12-01T00:00:00Z');
    const slow: PatchEngine = {
      diff: (base, target, budget) => {
        clock += 10_000;
        return BSDIFF_ENGINE.diff(base, target, budget);
      },
      apply: BSDIFF_ENGINE.apply,
    };
    const built = await buildBinaryPatches(
      store,
      deployment,
      'v4',
      options({ engine: slow, now: () => new Date(clock), deadline: new Date(clock + 15_000) }),
    );
    expect(built).toBe(2);
    expect(Object.keys((await current('v4')).patches ?? {})).toEqual([sha256(bundles[2]!), sha256(bundles[1]!)]);
    expect(infos.find(({ message }) => message.startsWith('patch deadline reached'))?.skipped).toEqual(['v1']);
  });
});

describe('patchLimits', () => {
  it('derives the input limit and time budget from each function’s memory and timeout', () => {
    // publishBundle: 512 MB, 120 s; uploadBundle: 1024 MB, 300 s.
    expect(patchLimits('publishBundle').maxInputBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(patchLimits('publishBundle').maxInputBytes).toBeLessThanOrEqual((512 * 1024 * 1024) / 20);
    expect(patchLimits('uploadBundle').maxInputBytes).toBeGreaterThan(48 * 1024 * 1024);
    expect(patchLimits('publishBundle').timeBudgetMs).toBe(60_000);
    expect(patchLimits('uploadBundle').timeBudgetMs).toBe(150_000);
  });
});
