import { parseReleaseRequest } from './releaseMetadata';

describe('parseReleaseRequest', () => {
  it('applies defaults: staging, 100% rollout, not mandatory, enabled', () => {
    expect(parseReleaseRequest({ target: '1.2.x' }, undefined)).toEqual({
      kind: 'ok',
      request: {
        targetBinaryRange: '1.2.x',
        channel: 'staging',
        description: '',
        mandatory: false,
        rollout: 100,
        disabled: false,
        bundleName: undefined,
      },
    });
  });

  it('reads hotpatch.json, and object metadata wins field by field', () => {
    const parsed = parseReleaseRequest(
      { channel: 'production', mandatory: 'true' },
      { targetBinaryRange: '^2.0.0', channel: 'staging', description: 'fix login', rollout: 25, mandatory: false },
    );
    expect(parsed).toEqual({
      kind: 'ok',
      request: expect.objectContaining({
        targetBinaryRange: '^2.0.0',
        channel: 'production',
        description: 'fix login',
        rollout: 25,
        mandatory: true,
      }),
    });
  });

  it.each([
    [{}, 'target binary version range is missing'],
    [{ target: 'not a range!' }, 'x-oss-meta-target is not a valid semver range'],
    [{ target: '1.x', rollout: '0' }, 'x-oss-meta-rollout must be a whole percentage from 1 to 100, got "0"'],
    [{ target: '1.x', rollout: '101' }, 'x-oss-meta-rollout must be a whole percentage from 1 to 100, got "101"'],
    [{ target: '1.x', rollout: '12.5' }, 'x-oss-meta-rollout must be a whole percentage'],
    [{ target: '1.x', channel: 'a/b' }, 'x-oss-meta-channel: channel name "a/b" is invalid'],
    [{ target: '1.x', channel: '..' }, 'x-oss-meta-channel: channel name ".." is invalid'],
    [{ target: '1.x', mandatory: 'yes' }, 'x-oss-meta-mandatory must be true or false, got "yes"'],
  ])('rejects %j: %s', (metadata, reason) => {
    const parsed = parseReleaseRequest(metadata, undefined);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'ok' ? [] : parsed.reasons).toEqual(
      expect.arrayContaining([expect.stringContaining(reason)]),
    );
  });

  it('reports every problem at once', () => {
    const parsed = parseReleaseRequest({ rollout: '0', disabled: 'maybe' }, undefined);
    expect(parsed.kind === 'ok' ? 0 : parsed.reasons.length).toBe(3);
  });

  it('refuses a hotpatch.json that is not an object', () => {
    expect(parseReleaseRequest({ target: '1.x' }, [1, 2])).toEqual({
      kind: 'invalid',
      reasons: ['hotpatch.json must hold a JSON object'],
    });
  });
});
