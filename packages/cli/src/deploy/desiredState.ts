import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXPO_KEY_ENCRYPTION_KEY_VARIABLE, FOLD_TIMER_TRIGGER, FUNCTION_SIZING } from '@hotpatch/common';
import { CliError } from '../CliError';

/** What an FC 2.0 deployment of hotpatch is made of, in the fc2 SDK's option names. */
export interface DeploySettings {
  accountId: string;
  /** `cn-shanghai` */
  region: string;
  service: string;
  /** RAM role the functions run as (their OSS access): `acs:ram::<account>:role/<name>`. */
  role: string | undefined;
  logProject: string | undefined;
  logStore: string | undefined;
  bucket: string;
  /** The role OSS uses to invoke uploadBundle. */
  invocationRole: string;
  /** `key:secret[,…]` for publishBundle, and only for it. */
  appKeys: string;
  /** `public`: plain URLs under the bucket policy's anonymous prefixes; `signed`: presigned URLs, bucket fully private. */
  downloadMode: 'public' | 'signed';
  downloadBaseUrl: string | undefined;
  /** `signed` mode: the long-lived key pair (a RAM user with `--print-policy signer`) that signs download URLs. */
  downloadSigner: { keyId: string; keySecret: string } | undefined;
  /** How publishBundle authenticates: its own check of the app signature, or API Gateway's backend signature. */
  auth: { mode: 'direct' } | { mode: 'gateway'; signatureKey: string; signatureSecret: string };
  /** The OSS trigger prefix uploads arrive under (`HOTPATCH_UPLOAD_PREFIX`). */
  uploadPrefix: string;
  /** getLatestBundle's instance concurrency (`--check-concurrency`). */
  checkConcurrency: number;
  /** `HOTPATCH_EXPO_KEY_ENCRYPTION_KEY` (Expo code signing), for getLatestBundle alone; absent: no app can sign. */
  expoKeyEncryptionKey: string | undefined;
  /** The API's public URL (getLatestBundle's `HOTPATCH_API_URL`): Expo launch assets then go through the patching route. */
  apiUrl: string | undefined;
  artifactsDirectory: string;
}

interface FunctionSpec {
  functionName: string;
  description: string;
  runtime: 'nodejs20';
  handler: 'index.handler';
  memorySize: number;
  timeout: number;
  /** Requests one instance serves at once (FC's default is 1). */
  instanceConcurrency: number;
  environmentVariables: Record<string, string>;
  /** Base64 of the artifact zip. */
  zipFile: string;
}

interface TriggerSpec {
  functionName: string;
  triggerName: string;
  triggerType: 'oss' | 'http' | 'timer';
  sourceArn?: string;
  invocationRole?: string;
  triggerConfig: Record<string, unknown>;
}

export interface DesiredState {
  service: {
    serviceName: string;
    description: string;
    role?: string;
    logConfig?: { project: string; logstore: string };
    internetAccess: boolean;
  };
  functions: FunctionSpec[];
  triggers: TriggerSpec[];
  /** Triggers that must not exist (deleted when found): publishBundle's HTTP trigger in gateway mode. */
  absentTriggers: { functionName: string; triggerName: string }[];
}

const FUNCTIONS = [
  {
    functionName: 'uploadBundle',
    description: 'hotpatch: an uploaded bundle becomes an immutable release (OSS trigger)',
    ...FUNCTION_SIZING.uploadBundle,
  },
  {
    functionName: 'getLatestBundle',
    description: 'hotpatch: the check-update routes (native, CodePush)',
    ...FUNCTION_SIZING.getLatestBundle,
  },
  {
    functionName: 'publishBundle',
    description: 'hotpatch: signed release management',
    ...FUNCTION_SIZING.publishBundle,
  },
] as const;

/** The OSS events that create an upload: a put, a form post, a multipart completion, a copy. */
const UPLOAD_EVENTS = [
  'oss:ObjectCreated:PutObject',
  'oss:ObjectCreated:PostObject',
  'oss:ObjectCreated:CompleteMultipartUpload',
  'oss:ObjectCreated:CopyObject',
];

function readArtifact(directory: string, name: string): Buffer {
  const file = path.join(directory, `${name}.zip`);
  try {
    return readFileSync(file);
  } catch {
    throw new CliError(`${file} is missing: run npm run build first`);
  }
}

const publishTrigger: TriggerSpec = {
  functionName: 'publishBundle',
  triggerName: 'http',
  triggerType: 'http',
  triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
};

/** Everything the deployment should be, from the settings and the built artifacts. */
export function desiredState(settings: DeploySettings): DesiredState {
  const ossRegion = `oss-${settings.region}`;
  const storageEnvironment: Record<string, string> = {
    HOTPATCH_OSS_BUCKET: settings.bucket,
    HOTPATCH_OSS_REGION: ossRegion,
    // Functions reach OSS on the region's internal network: free traffic, lower latency.
    HOTPATCH_OSS_ENDPOINT: `https://${ossRegion}-internal.aliyuncs.com`,
    HOTPATCH_DOWNLOAD_MODE: settings.downloadMode,
    // Devices download over the Internet: the bucket's public endpoint (or a CDN), never the internal one.
    HOTPATCH_DOWNLOAD_BASE_URL: settings.downloadBaseUrl ?? `https://${settings.bucket}.${ossRegion}.aliyuncs.com`,
    // All three, although only getLatestBundle hands out URLs: the pair may do less than the role every function
    // already runs as (GetObject on the content prefixes), and a function without it would warn of the STS cap.
    ...(settings.downloadSigner
      ? {
          HOTPATCH_DOWNLOAD_SIGNER_KEY_ID: settings.downloadSigner.keyId,
          HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET: settings.downloadSigner.keySecret,
        }
      : {}),
    HOTPATCH_LOG_LEVEL: 'info',
  };
  // The management secrets and the gateway's backend signature key go to publishBundle alone: the other
  // functions never verify a management call. The mode is always set, so switching back to direct takes effect.
  const publishEnvironment: Record<string, string> = {
    HOTPATCH_APP_KEYS: settings.appKeys,
    HOTPATCH_AUTH_MODE: settings.auth.mode,
    ...(settings.auth.mode === 'gateway'
      ? {
          HOTPATCH_GATEWAY_SIGNATURE_KEY: settings.auth.signatureKey,
          HOTPATCH_GATEWAY_SIGNATURE_SECRET: settings.auth.signatureSecret,
        }
      : {}),
  };
  const functions = FUNCTIONS.map((fn): FunctionSpec => {
    const zip = readArtifact(settings.artifactsDirectory, fn.functionName);
    const environmentVariables: Record<string, string> = {
      ...storageEnvironment,
      ...(fn.functionName === 'publishBundle' ? publishEnvironment : {}),
      // Only getLatestBundle opens Expo signing keys; the operator who installs them holds the key too.
      ...(fn.functionName === 'getLatestBundle' && settings.expoKeyEncryptionKey
        ? { [EXPO_KEY_ENCRYPTION_KEY_VARIABLE]: settings.expoKeyEncryptionKey }
        : {}),
      // getLatestBundle points Expo launch assets at its own route (where 226 patches are sent) only when it knows its URL.
      ...(fn.functionName === 'getLatestBundle' && settings.apiUrl ? { HOTPATCH_API_URL: settings.apiUrl } : {}),
      // uploadBundle reads uploads under it; publishBundle answers upload-status queries for keys under it.
      ...(fn.functionName === 'getLatestBundle' ? {} : { HOTPATCH_UPLOAD_PREFIX: settings.uploadPrefix }),
      // FC does not tell which code a function runs in a comparable form; this does, so unchanged code is not re-sent.
      HOTPATCH_CODE_SHA256: createHash('sha256').update(zip).digest('hex'),
    };
    const instanceConcurrency =
      fn.functionName === 'getLatestBundle' ? settings.checkConcurrency : fn.instanceConcurrency;
    return {
      ...fn,
      instanceConcurrency,
      runtime: 'nodejs20',
      handler: 'index.handler',
      environmentVariables,
      zipFile: zip.toString('base64'),
    };
  });
  return {
    service: {
      serviceName: settings.service,
      description: 'hotpatch: over-the-air updates for React Native apps',
      ...(settings.role ? { role: settings.role } : {}),
      ...(settings.logProject && settings.logStore
        ? { logConfig: { project: settings.logProject, logstore: settings.logStore } }
        : {}),
      internetAccess: true,
    },
    functions,
    triggers: [
      {
        functionName: 'uploadBundle',
        triggerName: 'oss-upload',
        triggerType: 'oss',
        sourceArn: `acs:oss:${settings.region}:${settings.accountId}:${settings.bucket}`,
        invocationRole: settings.invocationRole,
        triggerConfig: { events: UPLOAD_EVENTS, filter: { key: { prefix: settings.uploadPrefix, suffix: '' } } },
      },
      {
        functionName: 'getLatestBundle',
        triggerName: 'http',
        triggerType: 'http',
        triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
      },
      // Anonymous at the trigger: in direct mode publishBundle verifies API Gateway app signatures itself.
      ...(settings.auth.mode === 'direct' ? [publishTrigger] : []),
      // publishBundle's timer entry point: folds the metrics and applies auto-halt, in either auth mode.
      {
        functionName: FOLD_TIMER_TRIGGER.functionName,
        triggerName: FOLD_TIMER_TRIGGER.triggerName,
        triggerType: 'timer',
        triggerConfig: { cronExpression: FOLD_TIMER_TRIGGER.cronExpression, enable: true, payload: '' },
      },
    ],
    // Behind API Gateway the gateway (an FC event backend) is publishBundle's only way in: its backend
    // signature covers no timestamp, so an open trigger would let a captured request be replayed.
    absentTriggers:
      settings.auth.mode === 'gateway'
        ? [{ functionName: publishTrigger.functionName, triggerName: publishTrigger.triggerName }]
        : [],
  };
}
