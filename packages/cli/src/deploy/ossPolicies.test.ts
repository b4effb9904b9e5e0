import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COLLECTABLE_PREFIXES, DEFAULT_UPLOAD_PREFIX, publicReadPrefixes } from '@hotpatch/core';
import {
  isAnonymousRead,
  mergeBucketPolicy,
  publicReadStatements,
  RAM_POLICY_SUBJECTS,
  ramPolicy,
  samePolicy,
  type PolicyDocument,
} from './ossPolicies';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** What RAM accepts: version "1", statements with Effect and non-empty Action/Resource string lists, OSS ARNs. */
function expectValidRamPolicy(document: unknown): void {
  const policy = document as PolicyDocument;
  expect(Object.keys(policy).sort()).toEqual(['Statement', 'Version']);
  expect(policy.Version).toBe('1');
  expect(policy.Statement.length).toBeGreaterThan(0);
  for (const statement of policy.Statement) {
    expect(Object.keys(statement).sort()).toEqual(['Action', 'Effect', 'Resource']);
    expect(statement.Effect).toBe('Allow');
    for (const action of statement.Action) expect(action).toMatch(/^oss:[A-Z][A-Za-z]+$/);
    for (const resource of statement.Resource)
      expect(resource).toMatch(/^acs:oss:\*:\*:[a-z0-9-]+(\/[A-Za-z0-9._/-]*\*)?$/);
  }
}

describe('RAM policy documents', () => {
  it.each(RAM_POLICY_SUBJECTS)(
    'deploy/ram/%s-policy.json is valid and what hotpatch deploy --print-policy generates for my-bundles',
    (subject) => {
      const committed = JSON.parse(read(`deploy/ram/${subject}-policy.json`)) as unknown;
      expectValidRamPolicy(committed);
      expect(committed).toEqual(ramPolicy(subject, 'my-bundles', DEFAULT_UPLOAD_PREFIX));
    },
  );

  it('puts ListObjects on the bucket itself and object actions on its objects', () => {
    const policy = ramPolicy('functions', 'b', DEFAULT_UPLOAD_PREFIX);
    expect(policy.Statement.find((statement) => statement.Action.includes('oss:ListObjects'))!.Resource).toEqual([
      'acs:oss:*:*:b',
    ]);
    expect(policy.Statement.find((statement) => statement.Action.includes('oss:GetObject'))!.Resource).toEqual([
      'acs:oss:*:*:b/*',
    ]);
  });

  it('lets the download signer read the content prefixes devices download and nothing else', () => {
    expect(ramPolicy('signer', 'b', DEFAULT_UPLOAD_PREFIX)).toEqual({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject'],
          Resource: publicReadPrefixes.map((prefix) => `acs:oss:*:*:b/${prefix}*`),
        },
      ],
    });
  });

  it('lets the functions delete deployment keys, catalogs, folded reports and what gc collects, and nothing else', () => {
    const deletes = ramPolicy('functions', 'b', DEFAULT_UPLOAD_PREFIX).Statement.filter((statement) =>
      statement.Action.includes('oss:DeleteObject'),
    );
    expect(deletes.flatMap((statement) => statement.Resource)).toEqual([
      'acs:oss:*:*:b/deployment-keys/*',
      'acs:oss:*:*:b/catalogs/*',
      'acs:oss:*:*:b/metrics/*',
      'acs:oss:*:*:b/metrics-folded/*',
      ...COLLECTABLE_PREFIXES.map(({ prefix }) => `acs:oss:*:*:b/${prefix}*`),
      `acs:oss:*:*:b/${DEFAULT_UPLOAD_PREFIX}*`,
    ]);
  });

  it('is the one every deploy path uses: fcli, hotpatch deploy and s.yaml name it', () => {
    const doc = read('docs/deploy.md');
    expect(doc).toContain('deploy/ram/functions-policy.json');
    expect(doc).toContain('deploy/ram/uploader-policy.json');
    expect(doc).toContain('deploy/ram/signer-policy.json');
    expect(doc).toContain('--print-policy signer');
    expect(read('s.yaml')).toContain('deploy/ram/signer-policy.json');
    expect(read('deploy/fcli/env.example')).toContain('deploy/ram/signer-policy.json');
    expect(doc).toContain('--print-policy functions');
    expect(doc).not.toMatch(/mkrp .*-r 'acs:oss/);
    expect(read('s.yaml')).toContain('deploy/ram/functions-policy.json');
  });
});

describe('bucket policy', () => {
  const ours = publicReadStatements('b', '42', 'public');

  it('grants anonymous GetObject on the content prefixes only, and nothing in signed mode', () => {
    expect(ours).toEqual([
      {
        Effect: 'Allow',
        Principal: ['*'],
        Action: ['oss:GetObject'],
        Resource: publicReadPrefixes.map((prefix) => `acs:oss:*:42:b/${prefix}*`),
      },
    ]);
    expect(publicReadStatements('b', '42', 'signed')).toEqual([]);
  });

  it('keeps statements someone else added and replaces only the anonymous-read ones', () => {
    const theirs = {
      Effect: 'Allow' as const,
      Principal: ['123'],
      Action: ['oss:GetObject'],
      Resource: ['acs:oss:*:42:b/*'],
    };
    const stale = {
      Effect: 'Allow' as const,
      Principal: ['*'],
      Action: ['oss:GetObject'],
      Resource: ['acs:oss:*:42:b/*'],
    };
    expect(isAnonymousRead(stale)).toBe(true);
    expect(isAnonymousRead(theirs)).toBe(false);
    expect(mergeBucketPolicy({ Version: '1', Statement: [stale, theirs] }, ours)).toEqual({
      Version: '1',
      Statement: [theirs, ...ours],
    });
    expect(mergeBucketPolicy({ Version: '1', Statement: [stale] }, [])).toBeUndefined();
    expect(
      samePolicy({ Version: '1', Statement: [...ours, theirs] }, { Version: '1', Statement: [theirs, ...ours] }),
    ).toBe(true);
  });
});
