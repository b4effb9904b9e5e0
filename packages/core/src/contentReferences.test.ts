import { COLLECTABLE_PREFIXES, GC_GRACE_MS, planCollection, referencedKeys } from './contentReferences';
import type { RegisteredBuild } from './registeredBuild';
import type { LogEntry, Release } from './releaseLog';

const release = (extra: Partial<Release>): Release =>
  ({ label: 'v1', contentKey: 'packages/a/package.zip', manifestKey: 'packages/a/manifest.json', ...extra }) as Release;

describe('referencedKeys', () => {
  it('names packages, manifests, diffs and binary patches (on releases and in later entries), Expo assets and build bundles', () => {
    const expo = {
      launchAsset: { contentKey: 'assets/launch' },
      assets: [{ contentKey: 'assets/font' }],
    } as unknown as Release['expo'];
    const entries: LogEntry[] = [
      { seq: 1, at: 't', by: 'x', type: 'release', release: release({ expo }) },
      { seq: 2, at: 't', by: 'x', type: 'diffs', label: 'v1', diffs: { h: { contentKey: 'diffs/a/h.zip', size: 1 } } },
      {
        seq: 3,
        at: 't',
        by: 'x',
        type: 'patches',
        label: 'v1',
        patches: { h: { contentKey: 'patches/a/h.bsdiff', size: 1, baseSha256: 'h', targetSha256: 'a' } },
      },
    ];
    const patches = { g: { contentKey: 'patches/a/g.bsdiff', size: 1, baseSha256: 'g', targetSha256: 'a' } };
    const builds = [{ bundleKey: 'build-bundles/b' }] as RegisteredBuild[];
    const keys = referencedKeys(
      [release({ diffs: { g: { contentKey: 'diffs/a/g.zip', size: 1 } }, patches })],
      entries,
      builds,
    );
    expect([...keys].sort()).toEqual([
      'assets/font',
      'assets/launch',
      'build-bundles/b',
      'diffs/a/g.zip',
      'diffs/a/h.zip',
      'packages/a/manifest.json',
      'packages/a/package.zip',
      'patches/a/g.bsdiff',
      'patches/a/h.bsdiff',
    ]);
  });
});

describe('planCollection', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const old = new Date(now.getTime() - GC_GRACE_MS - 1);
  const young = new Date(now.getTime() - 1000);
  const object = (key: string, lastModified = old) => ({ key, size: 10, lastModified });

  it('collects old unreferenced content and folded reports, old uploads, and never referenced, young or unknown keys', () => {
    const plan = planCollection(
      [
        object('packages/a/package.zip'),
        object('packages/b/package.zip'),
        object('packages/c/package.zip', young),
        object('diffs/b/x.zip'),
        object('assets/z'),
        object('metrics-archive/shop/ios/production/r.json'),
        object('uploads/shop/ios/old.zip', new Date(now.getTime() - 31 * 86_400_000)),
        object('uploads/shop/ios/new.zip', new Date(now.getTime() - 86_400_000)),
        object('upload-status/shop/ios/old.zip/E.json', new Date(now.getTime() - 31 * 86_400_000)),
        object('upload-status/shop/ios/new.zip/E.json', new Date(now.getTime() - 86_400_000)),
        object('future-kind/unknown'),
        object('logs/shop/ios/production/0000000001.json'),
      ],
      new Set(['packages/a/package.zip']),
      { now, uploadPrefix: 'uploads/', uploadMaxAgeMs: 30 * 86_400_000 },
    );
    expect(plan.collect.map(({ key }) => key)).toEqual([
      'packages/b/package.zip',
      'diffs/b/x.zip',
      'assets/z',
      'metrics-archive/shop/ios/production/r.json',
      'uploads/shop/ios/old.zip',
      'upload-status/shop/ios/old.zip/E.json',
    ]);
    expect(plan.kept).toEqual({ referenced: 1, young: 3 });
  });

  it('collects upload outcomes by the upload age, never by the content grace period', () => {
    const day = 86_400_000;
    const outcome = (days: number) =>
      object(`upload-status/shop/ios/${days}.zip/E.json`, new Date(now.getTime() - days * day));
    const plan = planCollection([outcome(2), outcome(8)], new Set(), {
      now,
      uploadPrefix: 'uploads/',
      uploadMaxAgeMs: 7 * day,
    });
    expect(plan.collect.map(({ key }) => key)).toEqual(['upload-status/shop/ios/8.zip/E.json']);
  });

  it('lists each collectable prefix once', () => {
    const prefixes = COLLECTABLE_PREFIXES.map(({ prefix }) => prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
