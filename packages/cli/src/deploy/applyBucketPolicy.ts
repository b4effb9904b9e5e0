import OSS from 'ali-oss';
import { CliError } from '../CliError';
import type { DeployAction } from './applyDeployment';
import { mergeBucketPolicy, samePolicy, type PolicyDocument, type PolicyStatement } from './ossPolicies';

export interface BucketConnection {
  bucket: string;
  /** `oss-cn-shanghai` */
  region: string;
  /** Overrides the region's public endpoint (tests, a local OSS server). */
  endpoint: string | undefined;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string | undefined;
}

export interface BucketPolicyOutcome {
  action: DeployAction;
  /** The bucket policy after the run (what it would be with --dry-run); undefined: no policy. */
  policy: PolicyDocument | undefined;
  /** The bucket ACL as OSS reports it: `private`, `public-read` or `public-read-write`. */
  acl: string;
  warnings: string[];
}

interface OssError {
  code?: string;
  status?: number;
  message?: string;
}

/** ali-oss's own checks print to the console; its bucket APIs take the bucket name per call. */
function ossClient(connection: BucketConnection): OSS {
  return new OSS({
    region: connection.region,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    accessKeyId: connection.accessKeyId,
    accessKeySecret: connection.accessKeySecret,
    ...(connection.securityToken
      ? {
          stsToken: connection.securityToken,
          refreshSTSTokenInterval: 3_600_000,
          refreshSTSToken: async () => ({
            accessKeyId: connection.accessKeyId,
            accessKeySecret: connection.accessKeySecret,
            stsToken: connection.securityToken!,
          }),
        }
      : {}),
    secure: true,
    timeout: 60_000,
  });
}

async function currentPolicy(client: OSS, bucket: string): Promise<PolicyDocument | undefined> {
  // ali-oss's getBucketPolicy does not throw on an error status: 404 NoSuchBucketPolicy means "none yet".
  const result = await client.getBucketPolicy(bucket);
  if (result.res.status === 404) return undefined;
  if (result.res.status !== 200) {
    const body = String((result.res as unknown as { data?: Buffer }).data ?? '');
    throw Object.assign(new Error(/<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? `status ${result.res.status}`), {
      code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? 'GetBucketPolicy',
      status: result.res.status,
    });
  }
  return (result.policy as unknown as PolicyDocument | null) ?? undefined;
}

/**
 * Converges the bucket's policy to the desired anonymous-read statements (other statements are kept) with
 * OSS's GetBucketPolicy / PutBucketPolicy / DeleteBucketPolicy, and reads the bucket ACL: a public-read ACL
 * makes every object public whatever the policy says, so it is reported as a warning.
 */
export async function applyBucketPolicy(
  connection: BucketConnection,
  desired: PolicyStatement[],
  dryRun: boolean,
): Promise<BucketPolicyOutcome> {
  const client = ossClient(connection);
  const resource = `bucket policy oss://${connection.bucket}`;
  try {
    const { acl } = await client.getBucketACL(connection.bucket);
    const warnings =
      acl === 'private'
        ? []
        : [
            `bucket ${connection.bucket} has ACL ${acl}: every object in it (app registry, deployment keys, logs) is readable by anyone; set it to private (OSS console, or ossutil set-acl oss://${connection.bucket} private) — devices keep downloading through the bucket policy`,
          ];
    const current = await currentPolicy(client, connection.bucket);
    const merged = mergeBucketPolicy(current, desired);
    const wanted = samePolicy(current, merged) ? current : merged;
    let action: DeployAction;
    if (wanted === current) action = { resource, action: 'unchanged', changes: [] };
    else if (current === undefined) action = { resource, action: 'create', changes: [] };
    else action = { resource, action: 'update', changes: [wanted ? 'Statement' : '(deleted: no statement left)'] };
    if (!dryRun && action.action !== 'unchanged') {
      if (wanted) await client.putBucketPolicy(connection.bucket, wanted as unknown as OSS.BucketPolicy);
      else await client.deleteBucketPolicy(connection.bucket);
    }
    return { action, policy: wanted, acl, warnings };
  } catch (error) {
    const ossError = error as OssError;
    throw new CliError(
      `OSS refused the bucket policy step on ${connection.bucket}: ${ossError.code ?? 'error'}: ${(ossError.message ?? String(error)).replace(/\s+/g, ' ')}`,
    );
  }
}
