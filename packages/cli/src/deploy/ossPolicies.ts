import { COLLECTABLE_PREFIXES, metricsKeys, publicReadPrefixes, storageKeys } from '@hotpatch/core';

/** A RAM policy or OSS bucket policy document (both use this shape; `Principal` only in bucket policies). */
export interface PolicyDocument {
  Version: '1';
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Principal?: string[];
  Action: string[];
  Resource: string[];
  Condition?: Record<string, unknown>;
}

/**
 * Who a RAM policy is for: the functions' role (FC 2.0 has one role per service), the CLI's uploader, or the
 * RAM user whose long-lived keys sign download URLs in `signed` mode (`HOTPATCH_DOWNLOAD_SIGNER_KEY_ID`).
 */
export const RAM_POLICY_SUBJECTS = ['functions', 'uploader', 'signer'] as const;
export type RamPolicySubject = (typeof RAM_POLICY_SUBJECTS)[number];

const bucketArn = (bucket: string): string => `acs:oss:*:*:${bucket}`;
const objectsArn = (bucket: string, prefix = ''): string => `acs:oss:*:*:${bucket}/${prefix}*`;

/**
 * The only key prefixes any function deletes under: the deployment-key index (rotated or removed keys), the
 * compiled catalogs (a removed channel's catalogs go, so public routes answer 404 for it), raw reports and fold
 * generations (the fold moves what it counted and prunes superseded generations), and what `hotpatch gc` may
 * collect (`COLLECTABLE_PREFIXES`, and the upload prefix, added per deployment; upload outcomes go by the uploads' age). Never logs or apps.
 */
const DELETED_PREFIXES = [
  storageKeys.deploymentKey('').replace(/\.json$/, ''),
  storageKeys.catalogsPrefix(),
  metricsKeys.reportsRoot(),
  metricsKeys.foldRoot(),
  ...COLLECTABLE_PREFIXES.map(({ prefix }) => prefix),
];

/**
 * Exactly the OSS actions hotpatch needs, per subject. The functions read (GetObject also covers HeadObject
 * and the source side of CopyObject), write (PutObject also covers the target side of CopyObject), list
 * (ListObjects, a bucket-level action: its resource is the bucket itself, not `bucket/*`) and delete only
 * deployment keys and catalogs. The CLI's uploader puts the release under the upload prefix (PutObject also covers
 * InitiateMultipartUpload, UploadPart and CompleteMultipartUpload, which it uses above its part size) and
 * reads its ETag back (HeadObject → GetObject); it never lists, aborts or deletes. The signer's keys only make
 * presigned URLs, which can do no more than the keys themselves: `GetObject` on the content prefixes
 * (`publicReadPrefixes`, what devices download), so a leaked key or URL exposes nothing else.
 */
export function ramPolicy(subject: RamPolicySubject, bucket: string, uploadPrefix: string): PolicyDocument {
  if (subject === 'signer') {
    return {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject'],
          Resource: publicReadPrefixes.map((prefix) => objectsArn(bucket, prefix)),
        },
      ],
    };
  }
  if (subject === 'uploader') {
    return {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject'], Resource: [objectsArn(bucket, uploadPrefix)] },
      ],
    };
  }
  return {
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: ['oss:ListObjects'], Resource: [bucketArn(bucket)] },
      { Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject'], Resource: [objectsArn(bucket)] },
      {
        Effect: 'Allow',
        Action: ['oss:DeleteObject'],
        Resource: [...DELETED_PREFIXES, uploadPrefix].map((prefix) => objectsArn(bucket, prefix)),
      },
    ],
  };
}

/**
 * The bucket policy that lets devices download without a signature: anonymous `GetObject` on the content
 * prefixes only (`publicReadPrefixes`), in a bucket whose ACL stays private. Empty in `signed` download mode,
 * where every download URL carries a signature and nothing needs to be public.
 */
export function publicReadStatements(
  bucket: string,
  accountId: string,
  downloadMode: 'public' | 'signed',
): PolicyStatement[] {
  if (downloadMode === 'signed') return [];
  return [
    {
      Effect: 'Allow',
      Principal: ['*'],
      Action: ['oss:GetObject'],
      Resource: publicReadPrefixes.map((prefix) => `acs:oss:*:${accountId}:${bucket}/${prefix}*`),
    },
  ];
}

/** A statement that grants anonymous reads: the part of a bucket policy that `hotpatch deploy` manages. */
export function isAnonymousRead(statement: PolicyStatement): boolean {
  return (
    statement.Effect === 'Allow' &&
    (statement.Principal ?? []).includes('*') &&
    statement.Action.some((action) => action === 'oss:GetObject' || action === 'oss:*')
  );
}

/**
 * The bucket policy to put: the statements someone else added stay as they are, hotpatch's anonymous-read
 * statements are replaced by the desired ones. Undefined when the result has no statement at all.
 */
export function mergeBucketPolicy(
  current: PolicyDocument | undefined,
  desired: PolicyStatement[],
): PolicyDocument | undefined {
  const kept = (current?.Statement ?? []).filter((statement) => !isAnonymousRead(statement));
  const statements = [...kept, ...desired];
  return statements.length > 0 ? { Version: '1', Statement: statements } : undefined;
}

/** Order-insensitive comparison (OSS may hand a policy back with statements or list entries reordered). */
export function samePolicy(a: PolicyDocument | undefined, b: PolicyDocument | undefined): boolean {
  const canonical = (policy: PolicyDocument | undefined): string[] =>
    (policy?.Statement ?? [])
      .map((statement) => {
        const fields: [string, unknown][] = Object.entries(statement).map(([field, value]: [string, unknown]) => [
          field,
          Array.isArray(value) ? [...(value as string[])].sort() : value,
        ]);
        return JSON.stringify(fields.sort());
      })
      .sort();
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Whether a statement set allows `action` on `resource` (wildcard `*` in resources, `oss:*` in actions). */
export function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  const matches = (pattern: string, value: string): boolean =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(value);
  return policy.Statement.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Action.some((allowed) => matches(allowed, action)) &&
      statement.Resource.some((allowed) => matches(allowed, resource)),
  );
}
