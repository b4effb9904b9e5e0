import {
  applyLogEntries,
  describeActor,
  emptyCatalog,
  planRelease,
  type LogEntry,
  type ReleaseCandidate,
} from './releaseLog';

const deployment = { app: 'demo', platform: 'ios' as const, channel: 'staging' };
const candidate = (packageHash: string, overrides: Partial<ReleaseCandidate> = {}): ReleaseCandidate => ({
  packageHash,
  archiveSha256: packageHash,
  contentKey: `packages/${packageHash}/package.zip`,
  contentKind: 'zip',
  manifestKey: `packages/${packageHash}/manifest.json`,
  size: 10,
  bundlePath: 'CodePush/main.jsbundle',
  targetBinaryRange: '1.x',
  description: '',
  mandatory: false,
  rollout: 100,
  disabled: false,
  signed: false,
  uploadId: `uploads/demo/ios/${packageHash}.zip@ETAG`,
  ...overrides,
});

function release(catalog: ReturnType<typeof emptyCatalog>, hash: string, overrides: Partial<ReleaseCandidate> = {}) {
  const plan = planRelease(catalog, candidate(hash, overrides), '2026-11-27T00:00:00Z', 'uploadBundle');
  if (plan.kind !== 'append') throw new Error(`expected append, got ${plan.kind}`);
  return { entry: plan.entry, catalog: applyLogEntries(catalog, [plan.entry]) };
}

describe('release log', () => {
  it('labels releases v1, v2, … with consecutive sequence numbers', () => {
    const first = release(emptyCatalog(deployment), 'a');
    const second = release(first.catalog, 'b');
    expect(second.catalog.releases.map((item) => [item.label, item.seq])).toEqual([
      ['v1', 1],
      ['v2', 2],
    ]);
    expect(second.catalog.head).toBe(2);
  });

  it('refuses content identical to the newest release for the same range, but not for another range', () => {
    const { catalog } = release(emptyCatalog(deployment), 'a');
    expect(planRelease(catalog, candidate('a', { uploadId: 'other@E' }), 'now', 'x')).toMatchObject({
      kind: 'identical',
      release: { label: 'v1' },
    });
    expect(
      planRelease(catalog, candidate('a', { uploadId: 'other@E', targetBinaryRange: '2.x' }), 'now', 'x').kind,
    ).toBe('append');
  });

  it('recognises a retried upload as the release it already made', () => {
    const { catalog } = release(emptyCatalog(deployment), 'a');
    expect(planRelease(catalog, candidate('a'), 'later', 'x')).toMatchObject({
      kind: 'alreadyReleased',
      release: { label: 'v1' },
    });
  });

  it('refuses to compile a log with a gap, and ignores entries it already has', () => {
    const first = release(emptyCatalog(deployment), 'a');
    const second = release(first.catalog, 'b');
    const third: LogEntry = { ...second.entry, seq: 4 };
    expect(() => applyLogEntries(second.catalog, [third])).toThrow('log entry 3 is missing before entry 4');
    expect(applyLogEntries(second.catalog, [first.entry, second.entry])).toEqual(second.catalog);
  });
});

describe('actors', () => {
  it('records who made each change on the entry and on the release, and who patched it last', () => {
    const plan = planRelease(emptyCatalog(deployment), candidate('a'), '2026-11-27T00:00:00Z', 'uploadBundle', {
      principalId: '2041',
      sourceIp: '140.205.1.2',
    });
    if (plan.kind !== 'append') throw new Error('expected append');
    expect(plan.entry.actor).toEqual({ principalId: '2041', sourceIp: '140.205.1.2' });
    const patch: LogEntry = {
      seq: 2,
      at: '2026-11-28T00:00:00Z',
      by: 'ops',
      actor: { key: 'ops' },
      type: 'patch',
      label: 'v1',
      changes: { mandatory: true },
    };
    const [released] = applyLogEntries(emptyCatalog(deployment), [plan.entry, patch]).releases;
    expect(released).toMatchObject({
      actor: { principalId: '2041', sourceIp: '140.205.1.2' },
      lastPatch: { seq: 2, at: '2026-11-28T00:00:00Z', by: 'ops', actor: { key: 'ops' } },
    });
    expect(describeActor(released!.actor, released!.createdBy)).toBe('uploader 2041 from 140.205.1.2');
    expect(describeActor(released!.lastPatch!.actor, 'ops')).toBe('key ops');
    expect(describeActor(undefined, 'uploadBundle')).toBe('uploadBundle');
  });
});
