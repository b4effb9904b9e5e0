import { appendToLog, createMemoryStore, listAllKeys, type ObjectStore } from '@hotpatch/common';
import {
  GC_GRACE_MS,
  releaseEntry,
  storageKeys,
  type DeploymentRef,
  type RegisteredBuild,
  type ReleaseCandidate,
} from '@hotpatch/core';
import { collectGarbage } from './collectGarbage';

const deployment: DeploymentRef = { app: 'shop', platform: 'ios', channel: 'production' };
const NOW = new Date('2026-06-01T00:00:00Z');
const OLD = new Date(NOW.getTime() - GC_GRACE_MS - 60_000);
/** Older than the upload age (30 days). */
const ANCIENT = new Date(NOW.getTime() - 40 * 86_400_000);

/**
 * The memory store stamps objects with the real time; this one reports `OLD` (`ANCIENT` for uploads and their
 * outcomes) for the
 * objects seeded before the run (time injection only: every operation is the memory store's).
 */
function aged(store: ObjectStore, oldKeys: Set<string>, onList?: (prefix: string) => Promise<void>): ObjectStore {
  return {
    ...store,
    kind: store.kind,
    list: async (options) => {
      const page = await store.list(options);
      if (onList) await onList(options?.prefix ?? '');
      return {
        ...page,
        objects: page.objects.map((object) =>
          oldKeys.has(object.key)
            ? { ...object, lastModified: /^upload(s|-status)\//.test(object.key) ? ANCIENT : OLD }
            : { ...object, lastModified: NOW },
        ),
      };
    },
  };
}

const candidate = (sha: string): ReleaseCandidate => ({
  packageHash: sha,
  archiveSha256: sha,
  contentKey: storageKeys.packageContent(sha, 'package.zip'),
  contentKind: 'zip',
  manifestKey: storageKeys.packageManifest(sha),
  size: 3,
  bundlePath: 'main.jsbundle',
  targetBinaryRange: '^1.0.0',
  description: '',
  mandatory: false,
  rollout: 100,
  disabled: false,
  signed: false,
  uploadId: undefined,
});

async function release(store: ObjectStore, sha: string, diffKey?: string, patchKey?: string): Promise<void> {
  await appendToLog(store, deployment, (state) => {
    const entry = releaseEntry(state, candidate(sha), NOW.toISOString(), 'test');
    if (diffKey) entry.release.diffs = { old: { contentKey: diffKey, size: 3 } };
    if (patchKey)
      entry.release.patches = { old: { contentKey: patchKey, size: 3, baseSha256: 'base', targetSha256: sha } };
    return { append: entry, outcome: () => undefined };
  });
}

/** A registered store build: its embedded bundle is a patch base, referenced by the build record alone. */
async function registerBuild(store: ObjectStore, bundleKey: string): Promise<void> {
  const build: RegisteredBuild = {
    app: 'shop',
    platform: 'ios',
    kind: 'native',
    binaryVersion: '1.0.0',
    bundleSha256: 'registered',
    bundleKey,
    size: 3,
    registeredAt: NOW.toISOString(),
    by: 'test',
  };
  await store.put(storageKeys.build('shop', 'ios', 'binary-1.0.0'), JSON.stringify(build));
}

async function seed(store: ObjectStore): Promise<Set<string>> {
  const keys = [
    'packages/live/package.zip',
    'packages/live/manifest.json',
    'packages/dead/package.zip',
    'packages/dead/manifest.json',
    'diffs/live/old.zip',
    'diffs/dead/old.zip',
    'assets/unreferenced',
    'metrics-archive/shop/ios/production/r1.json',
    'uploads/shop/ios/ancient.zip',
    'upload-status/shop/ios/ancient.zip/E.json',
    'patches/live/base.bsdiff',
    'patches/dead/base.bsdiff',
    'build-bundles/registered',
    'build-bundles/orphan',
    'some-future-kind/x',
  ];
  for (const key of keys) await store.put(key, 'abc');
  await release(store, 'live', 'diffs/live/old.zip', 'patches/live/base.bsdiff');
  await registerBuild(store, 'build-bundles/registered');
  return new Set(keys);
}

const options = { uploadPrefix: 'uploads/', uploadMaxAgeDays: 30, now: () => NOW };

describe('collectGarbage', () => {
  it('dry run: reports every unreferenced old object by prefix and its bytes, and deletes nothing', async () => {
    const store = createMemoryStore();
    const old = await seed(store);
    const before = await listAllKeys(store, { prefix: '' });
    const answer = await collectGarbage(aged(store, old), { ...options, dryRun: true });
    expect(answer).toMatchObject({
      dryRun: true,
      bytesFreed: 27,
      collected: {
        'packages/': { objects: 2, bytes: 6 },
        'diffs/': { objects: 1, bytes: 3 },
        'assets/': { objects: 1, bytes: 3 },
        'patches/': { objects: 1, bytes: 3 },
        'build-bundles/': { objects: 1, bytes: 3 },
        'metrics-archive/': { objects: 1, bytes: 3 },
        'uploads/': { objects: 1, bytes: 3 },
        'upload-status/': { objects: 1, bytes: 3 },
      },
      kept: { referenced: 5, young: 0 },
    });
    expect(await listAllKeys(store, { prefix: '' })).toEqual(before);
  });

  it('--yes deletes exactly those, never what a release references, the log, or an unknown prefix', async () => {
    const store = createMemoryStore();
    const old = await seed(store);
    await collectGarbage(aged(store, old), { ...options, dryRun: false });
    const left = await listAllKeys(store, { prefix: '' });
    expect(left).toEqual(
      expect.arrayContaining([
        'packages/live/package.zip',
        'packages/live/manifest.json',
        'diffs/live/old.zip',
        'patches/live/base.bsdiff',
        'build-bundles/registered',
        'some-future-kind/x',
        storageKeys.logEntry(deployment, 1),
        storageKeys.catalog(deployment),
      ]),
    );
    for (const gone of [
      'packages/dead/package.zip',
      'diffs/dead/old.zip',
      'assets/unreferenced',
      'patches/dead/base.bsdiff',
      'build-bundles/orphan',
      'uploads/shop/ios/ancient.zip',
      'upload-status/shop/ios/ancient.zip/E.json',
    ])
      expect(left).not.toContain(gone);
  });

  it('keeps upload outcomes younger than the upload age, like the uploads', async () => {
    const store = createMemoryStore();
    const old = await seed(store);
    await collectGarbage(aged(store, old), { ...options, uploadMaxAgeDays: 60, dryRun: false });
    expect(await store.head('upload-status/shop/ios/ancient.zip/E.json')).not.toBeNull();
    expect(await store.head('uploads/shop/ios/ancient.zip')).not.toBeNull();
  });

  it('spares old content a release adopts after gc first read the logs (content is never rewritten, so it stays old)', async () => {
    const store = createMemoryStore();
    const old = await seed(store);
    // Stored long ago, unreferenced: what a new release of the same bytes (or a promote of an old one) reuses.
    for (const key of ['packages/adopted/package.zip', 'packages/adopted/manifest.json', 'patches/adopted/x.bsdiff']) {
      old.add(key);
      await store.put(key, 'abc');
    }
    let published = false;
    // The build records are read after the logs: the release's entry lands once gc has read the logs.
    const racing = aged(store, old, async (prefix) => {
      if (prefix !== 'builds/' || published) return;
      published = true;
      await release(store, 'adopted', undefined, 'patches/adopted/x.bsdiff');
    });
    const answer = await collectGarbage(racing, { ...options, dryRun: false });
    expect(published).toBe(true);
    for (const key of ['packages/adopted/package.zip', 'packages/adopted/manifest.json', 'patches/adopted/x.bsdiff'])
      expect(await store.head(key)).not.toBeNull();
    expect(answer.sample).not.toContain('packages/adopted/package.zip');
    expect(answer.kept.referenced).toBe(8);
    // Still collected: what nothing adopted.
    expect(await store.head('packages/dead/package.zip')).toBeNull();
  });

  it('keeps the content of a release published while it runs, whether its log entry lands before or after the logs are read', async () => {
    const store = createMemoryStore();
    const old = await seed(store);
    // Old content that a promote/rollback-like release adopts while gc lists (its entry lands before the logs are read)…
    old.add('packages/adopted/package.zip');
    old.add('packages/adopted/manifest.json');
    await store.put('packages/adopted/package.zip', 'abc');
    await store.put('packages/adopted/manifest.json', 'abc');
    let published = false;
    const racing = aged(store, old, async (prefix) => {
      if (prefix !== 'packages/' || published) return;
      published = true;
      await release(store, 'adopted');
      // …and a brand-new upload whose content is written now and whose entry lands after gc read the logs.
      await store.put('packages/fresh/package.zip', 'abc');
    });
    await collectGarbage(racing, { ...options, dryRun: false });
    const left = await listAllKeys(store, { prefix: 'packages/' });
    expect(left).toEqual(
      expect.arrayContaining([
        'packages/adopted/package.zip',
        'packages/adopted/manifest.json',
        'packages/live/package.zip',
      ]),
    );
    await release(store, 'fresh');
    expect(await store.head('packages/fresh/package.zip')).not.toBeNull();
  });
});
