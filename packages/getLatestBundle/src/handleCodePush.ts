import { randomBytes } from 'node:crypto';
import {
  BadRequestError,
  jsonResponse,
  NotFoundError,
  readJsonObject,
  refusalError,
  writeJson,
  type HttpRequest,
  type HttpResponse,
  type ObjectStore,
} from '@hotpatch/common';
import {
  codePushUpdateInfo,
  decideCodePushUpdate,
  deployReportDeltas,
  downloadReportDeltas,
  MAX_STATUS_REPORT_BYTES,
  metricDeltasToJson,
  metricsKeys,
  parseCodePushCheck,
  parseDeployReport,
  parseDownloadReport,
  reportLabelProblem,
  storageKeys,
  toSnakeCase,
  type DeploymentRef,
  type MetricDeltas,
  type PreparedCatalog,
} from '@hotpatch/core';
import type { RevalidatingCache } from './createRevalidatingCache';
import { registeredCatalog, type CatalogSource } from './registeredCatalog';

export interface CodePushDependencies {
  store: ObjectStore;
  deploymentKeys: RevalidatingCache<DeploymentRef>;
  source: CatalogSource;
  now: () => Date;
}

/** The two wire dialects: `/v0.1/public/codepush/*` answers snake_case, legacy `/updateCheck` camelCase. */
export type CodePushDialect = 'appCenter' | 'legacy';

const OK: HttpResponse = {
  statusCode: 200,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  body: 'OK',
};

/** The one answer to a key that names no live deployment (never issued, rotated, or its channel removed). */
const KEY_NOT_FOUND = 'Deployment key not found: check CodePushDeploymentKey against hotpatch app show <app>';

async function deploymentFor(key: string, dependencies: CodePushDependencies): Promise<DeploymentRef> {
  const deployment = await dependencies.deploymentKeys.get(storageKeys.deploymentKey(key));
  if (!deployment) throw new NotFoundError(KEY_NOT_FOUND);
  return deployment;
}

/**
 * `GET /v0.1/public/codepush/update_check` and `GET /updateCheck`: unmodified react-native-code-push apps ask
 * here. Either casing is read on both; success is exactly 200; 400 for a malformed key or version, 404 for an
 * unknown key (docs/protocols/codepush.md §2.2).
 */
export async function handleCodePushUpdateCheck(
  request: HttpRequest,
  dependencies: CodePushDependencies,
  dialect: CodePushDialect,
): Promise<HttpResponse> {
  const parsed = parseCodePushCheck(request.query);
  if (parsed.kind !== 'ok') throw refusalError(parsed);
  const catalog = await registeredCatalog(
    await deploymentFor(parsed.request.deploymentKey, dependencies),
    dependencies.source,
  );
  if (!catalog) throw new NotFoundError(KEY_NOT_FOUND);
  const info = codePushUpdateInfo(decideCodePushUpdate(catalog, parsed.request), parsed.request, (key) =>
    dependencies.store.downloadUrl(key),
  );
  const body =
    dialect === 'legacy'
      ? { updateInfo: info }
      : { update_info: Object.fromEntries(Object.entries(info).map(([name, value]) => [toSnakeCase(name), value])) };
  return jsonResponse(200, body, { 'Cache-Control': 'private, no-cache' });
}

/** One object per report: thousands of devices report at once, and no report may overwrite another's count. */
async function recordDeltas(
  dependencies: CodePushDependencies,
  deployment: DeploymentRef,
  deltas: MetricDeltas,
): Promise<void> {
  const at = dependencies.now();
  await writeJson(
    dependencies.store,
    metricsKeys.report(deployment, at, randomBytes(8).toString('hex')),
    { at: at.toISOString(), deltas: metricDeltasToJson(deltas) },
    { forbidOverwrite: true },
  );
}

/** A live deployment a key names, and its catalog; null when the key names none (never issued, rotated, removed). */
async function liveDeployment(
  key: string,
  dependencies: CodePushDependencies,
): Promise<{ deployment: DeploymentRef; catalog: PreparedCatalog } | null> {
  const deployment = await dependencies.deploymentKeys.get(storageKeys.deploymentKey(key));
  const catalog = deployment && (await registeredCatalog(deployment, dependencies.source));
  return deployment && catalog ? { deployment, catalog } : null;
}

/** A report's own key must name a live deployment: anything else is a 400 and nothing is stored. */
async function reportDeployment(
  key: string,
  dependencies: CodePushDependencies,
): Promise<{ deployment: DeploymentRef; catalog: PreparedCatalog }> {
  const live = await liveDeployment(key, dependencies);
  if (!live) throw new BadRequestError('Deployment key not found.', 'deployment_key');
  return live;
}

/**
 * `POST …/report_status/deploy` and `POST /reportStatus/deploy`: an install succeeded or failed, or a binary
 * started. Everything is checked before anything is stored: the key must resolve, the label must be one of
 * its deployment's releases, the app version must parse. The previous state is counted only when its key still
 * resolves (a rotated key is normal), and then it must be one of that deployment's labels or a binary version.
 */
export async function handleCodePushDeployReport(
  request: HttpRequest,
  dependencies: CodePushDependencies,
): Promise<HttpResponse> {
  const parsed = parseDeployReport(readJsonObject(request, MAX_STATUS_REPORT_BYTES));
  if (parsed.kind !== 'ok') throw refusalError(parsed);
  const { report } = parsed;
  const current = await reportDeployment(report.deploymentKey, dependencies);
  const labelProblem = reportLabelProblem(current.catalog, report.label);
  if (labelProblem) throw new BadRequestError(labelProblem, 'label');
  const { current: deltas, previous } = deployReportDeltas(report);
  const before =
    previous &&
    (previous.deploymentKey === report.deploymentKey
      ? current
      : await liveDeployment(previous.deploymentKey, dependencies));
  if (before) {
    const problem = reportLabelProblem(before.catalog, report.previousLabelOrAppVersion, { orAppVersion: true });
    if (problem) throw new BadRequestError(problem, 'previous_label_or_app_version');
  }
  await recordDeltas(dependencies, current.deployment, deltas);
  if (previous && before) await recordDeltas(dependencies, before.deployment, previous.deltas);
  return OK;
}

/** `POST …/report_status/download` and `POST /reportStatus/download`: the key must resolve and have the label. */
export async function handleCodePushDownloadReport(
  request: HttpRequest,
  dependencies: CodePushDependencies,
): Promise<HttpResponse> {
  const parsed = parseDownloadReport(readJsonObject(request, MAX_STATUS_REPORT_BYTES));
  if (parsed.kind !== 'ok') throw refusalError(parsed);
  const { deployment, catalog } = await reportDeployment(parsed.report.deploymentKey, dependencies);
  const labelProblem = reportLabelProblem(catalog, parsed.report.label);
  if (labelProblem) throw new BadRequestError(labelProblem, 'label');
  await recordDeltas(dependencies, deployment, downloadReportDeltas(parsed.report));
  return OK;
}
