import { randomBytes } from 'node:crypto';
import { BadRequestError, jsonResponse, NotFoundError, writeJson, type HttpRequest, type HttpResponse, type ObjectStore } from '@hotpatch/common';
import {
  codePushUpdateInfo,
  decideCodePushUpdate,
  deployReportDeltas,
  emptyCatalog,
  metricsKeys,
  parseCodePushCheck,
  parseDeployReport,
  parseDownloadReport,
  prepareCatalog,
  storageKeys,
  toSnakeCase,
  type DeploymentRef,
  type MetricDeltas,
  type PreparedCatalog,
} from '@hotpatch/core';
import type { RevalidatingCache } from './createRevalidatingCache';

export interface CodePushDependencies {
  store: ObjectStore;
  deploymentKeys: RevalidatingCache<DeploymentRef>;
  catalogs: RevalidatingCache<PreparedCatalog>;
  now: () => Date;
}

/** The two wire dialects: `/v0.1/public/codepush/*` answers snake_case, legacy `/updateCheck` camelCase. */
export type CodePushDialect = 'appCenter' | 'legacy';

const OK: HttpResponse = { statusCode: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: 'OK' };

async function deploymentFor(key: string, dependencies: CodePushDependencies): Promise<DeploymentRef> {
  const deployment = await dependencies.deploymentKeys.get(storageKeys.deploymentKey(key));
  if (!deployment) throw new NotFoundError('Deployment key not found: check CodePushDeploymentKey against hotpatch app show <app>');
  return deployment;
}

/**
 * `GET /v0.1/public/codepush/update_check` and `GET /updateCheck`: unmodified react-native-code-push apps ask
 * here. Either casing is read on both; success is exactly 200; 400 for a malformed key or version, 404 for an
 * unknown key (docs/protocols/codepush.md §2.2).
 */
export async function handleCodePushUpdateCheck(request: HttpRequest, dependencies: CodePushDependencies, dialect: CodePushDialect): Promise<HttpResponse> {
  const parsed = parseCodePushCheck(request.query);
  if (!parsed.ok) throw new BadRequestError(parsed.message);
  const deployment = await deploymentFor(parsed.request.deploymentKey, dependencies);
  const catalog = (await dependencies.catalogs.get(storageKeys.catalog(deployment))) ?? prepareCatalog(emptyCatalog(deployment));
  const info = codePushUpdateInfo(decideCodePushUpdate(catalog, parsed.request), parsed.request, (key) => dependencies.store.downloadUrl(key));
  const body = dialect === 'legacy' ? { updateInfo: info } : { update_info: Object.fromEntries(Object.entries(info).map(([name, value]) => [toSnakeCase(name), value])) };
  return jsonResponse(200, body, { 'Cache-Control': 'private, no-cache' });
}

function readBody(request: HttpRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new BadRequestError('A status report must be a JSON object.');
  }
}

/** One object per report: thousands of devices report at once, and no report may overwrite another's count. */
async function recordDeltas(dependencies: CodePushDependencies, deployment: DeploymentRef, deltas: MetricDeltas): Promise<void> {
  const at = dependencies.now();
  await writeJson(dependencies.store, metricsKeys.report(deployment, at, randomBytes(8).toString('hex')), { at: at.toISOString(), deltas }, { forbidOverwrite: true });
}

/**
 * `POST …/report_status/deploy` and `POST /reportStatus/deploy`: an install succeeded or failed, or a binary
 * started. A report for a key that no longer resolves (rotated, removed) is accepted and dropped, so devices do
 * not retry it forever.
 */
export async function handleCodePushDeployReport(request: HttpRequest, dependencies: CodePushDependencies): Promise<HttpResponse> {
  const parsed = parseDeployReport(readBody(request));
  if (!parsed.ok) throw new BadRequestError(parsed.message);
  const current = await dependencies.deploymentKeys.get(storageKeys.deploymentKey(parsed.report.deploymentKey));
  if (!current) return OK;
  const { current: deltas, previous } = deployReportDeltas(parsed.report);
  await recordDeltas(dependencies, current, deltas);
  if (previous) {
    const previousDeployment = previous.deploymentKey === parsed.report.deploymentKey ? current : await dependencies.deploymentKeys.get(storageKeys.deploymentKey(previous.deploymentKey));
    if (previousDeployment) await recordDeltas(dependencies, previousDeployment, previous.deltas);
  }
  return OK;
}

/** `POST …/report_status/download` and `POST /reportStatus/download`. */
export async function handleCodePushDownloadReport(request: HttpRequest, dependencies: CodePushDependencies): Promise<HttpResponse> {
  const parsed = parseDownloadReport(readBody(request));
  if (!parsed.ok) throw new BadRequestError(parsed.message);
  const deployment = await dependencies.deploymentKeys.get(storageKeys.deploymentKey(parsed.report.deploymentKey));
  if (deployment) await recordDeltas(dependencies, deployment, { [`${parsed.report.label}:Downloaded`]: 1 });
  return OK;
}
