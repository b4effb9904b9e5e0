import { normalizeAppVersion } from './appVersion';
import { codePushParameter, CODEPUSH_DEPLOYMENT_KEY } from './codePushUpdateCheck';
import type { PreparedCatalog } from './prepareCatalog';
import { refuse, type Refusal } from './refusal';

/**
 * The largest status report body accepted, in bytes: what the SDKs send (seven short fields) is under 1 KB;
 * a larger body is refused before it is decoded.
 */
export const MAX_STATUS_REPORT_BYTES = 4 * 1024;

export const DEPLOY_STATUSES = ['DeploymentSucceeded', 'DeploymentFailed'] as const;

export interface DeployReport {
  deploymentKey: string;
  appVersion: string;
  clientUniqueId: string | undefined;
  label: string | undefined;
  status: (typeof DEPLOY_STATUSES)[number] | undefined;
  previousLabelOrAppVersion: string | undefined;
  previousDeploymentKey: string | undefined;
}

export interface DownloadReport {
  deploymentKey: string;
  label: string;
  clientUniqueId: string | undefined;
}

/**
 * Counter changes a report makes, keyed `<label or app version>:<Active|Downloaded|DeploymentSucceeded|DeploymentFailed>`.
 * A Map, because its keys come from anonymous reports (`__proto__` is a label like any other).
 */
export type MetricDeltas = ReadonlyMap<string, number>;

/** Deltas as stored JSON: `Object.fromEntries` defines own properties, so no key can reach a prototype. */
export function metricDeltasToJson(deltas: MetricDeltas): Record<string, number> {
  return Object.fromEntries(deltas);
}

/** Stored deltas back into a Map (own properties only); anything but a finite number is dropped. */
export function parseMetricDeltas(json: unknown): MetricDeltas {
  const deltas = new Map<string, number>();
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return deltas;
  for (const [field, delta] of Object.entries(json))
    if (typeof delta === 'number' && Number.isFinite(delta)) deltas.set(field, delta);
  return deltas;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const validKey = (key: string | undefined): key is string =>
  key !== undefined && CODEPUSH_DEPLOYMENT_KEY.test(key.trim());

/** A deploy report in either casing, validated with microsoft/code-push-server's rules and messages (§3.1). */
export function parseDeployReport(body: unknown): { kind: 'ok'; report: DeployReport } | Refusal<'invalid'> {
  const source = isObject(body) ? body : {};
  const deploymentKey = codePushParameter(source, 'deployment_key')?.trim();
  const rawAppVersion = codePushParameter(source, 'app_version');
  const appVersion = rawAppVersion === undefined ? null : normalizeAppVersion(rawAppVersion);
  if (!validKey(deploymentKey) || !appVersion)
    return refuse('invalid', 'A deploy status report must contain a valid appVersion and deploymentKey.');
  // Counters are keyed by what was parsed, never by the raw text: `1.0` and ` 1.0.0+build` count as `1.0.0`.
  const previous = codePushParameter(source, 'previous_label_or_app_version');
  const previousVersion = previous === undefined ? null : normalizeAppVersion(previous);
  const label = codePushParameter(source, 'label');
  const status = codePushParameter(source, 'status');
  if (label !== undefined && status === undefined)
    return refuse('invalid', 'A deploy status report for a labelled package must contain a valid status.');
  if (status !== undefined && !(DEPLOY_STATUSES as readonly string[]).includes(status))
    return refuse('invalid', `Invalid status: ${status}`);
  const previousDeploymentKey = codePushParameter(source, 'previous_deployment_key')?.trim();
  return {
    kind: 'ok',
    report: {
      deploymentKey,
      appVersion: appVersion.version,
      clientUniqueId: codePushParameter(source, 'client_unique_id'),
      label,
      status: status as DeployReport['status'],
      previousLabelOrAppVersion: previousVersion ? previousVersion.version : previous,
      previousDeploymentKey: validKey(previousDeploymentKey) ? previousDeploymentKey : undefined,
    },
  };
}

/** A download report in either casing (§3.2). */
export function parseDownloadReport(body: unknown): { kind: 'ok'; report: DownloadReport } | Refusal<'invalid'> {
  const source = isObject(body) ? body : {};
  const deploymentKey = codePushParameter(source, 'deployment_key')?.trim();
  const label = codePushParameter(source, 'label');
  if (!validKey(deploymentKey) || !label)
    return refuse('invalid', 'A download status report must contain a valid deploymentKey and package label.');
  return {
    kind: 'ok',
    report: { deploymentKey, label, clientUniqueId: codePushParameter(source, 'client_unique_id') },
  };
}

/**
 * What a deploy report does to the counters (MS `redis-manager.ts`, §3.3): a failure counts against its label;
 * anything else makes the label (or binary version) active and installed, and, when the report names what
 * the device ran before, makes that one less active in the previous deployment.
 */
export function deployReportDeltas(report: DeployReport): {
  current: MetricDeltas;
  previous: { deploymentKey: string; deltas: MetricDeltas } | undefined;
} {
  if (report.status === 'DeploymentFailed' && report.label)
    return { current: new Map([[`${report.label}:DeploymentFailed`, 1]]), previous: undefined };
  const subject = report.label ?? report.appVersion;
  const current: MetricDeltas = new Map([
    [`${subject}:Active`, 1],
    [`${subject}:DeploymentSucceeded`, 1],
  ]);
  if (!report.previousLabelOrAppVersion) return { current, previous: undefined };
  return {
    current,
    previous: {
      deploymentKey: report.previousDeploymentKey ?? report.deploymentKey,
      deltas: new Map([[`${report.previousLabelOrAppVersion}:Active`, -1]]),
    },
  };
}

/** What a download report does to the counters. */
export function downloadReportDeltas(report: DownloadReport): MetricDeltas {
  return new Map([[`${report.label}:Downloaded`, 1]]);
}

/** Whether the deployment (its catalog; null when it has none yet) has a release with this label. */
export function hasReleaseLabel(catalog: PreparedCatalog | null, label: string): boolean {
  return catalog !== null && catalog.releases.some(({ release }) => release.label === label);
}

/**
 * Why a report does not fit the deployment its key names, or undefined: a report may only count a label the
 * deployment has (or, as the previous state of a device, a binary version), so anonymous reports cannot store
 * arbitrary names. The message names only what was sent.
 */
export function reportLabelProblem(
  catalog: PreparedCatalog | null,
  label: string | undefined,
  options: { orAppVersion?: boolean } = {},
): string | undefined {
  if (label === undefined || hasReleaseLabel(catalog, label)) return undefined;
  if (options.orAppVersion && normalizeAppVersion(label)) return undefined;
  return options.orAppVersion
    ? `${JSON.stringify(label)} is neither a release label of the previous deployment nor a binary version`
    : `The deployment has no release labelled ${JSON.stringify(label)}.`;
}

/** Per label: the four numbers the CodePush CLI showed; per binary version: active only. */
export interface ReleaseMetrics {
  active: number;
  downloaded?: number;
  installed?: number;
  failed?: number;
}

/** Sums every recorded report's deltas into the CodePush REST view (`converter.toRestDeploymentMetrics`), by label or version. */
export function summarizeMetrics(recorded: readonly MetricDeltas[]): Map<string, ReleaseMetrics> {
  const totals = new Map<string, number>();
  for (const deltas of recorded)
    for (const [field, delta] of deltas) totals.set(field, (totals.get(field) ?? 0) + delta);
  const metrics = new Map<string, ReleaseMetrics>();
  for (const [field, total] of totals) {
    const separator = field.lastIndexOf(':');
    if (separator < 0) continue;
    const subject = field.slice(0, separator);
    const kind = field.slice(separator + 1);
    let entry = metrics.get(subject);
    if (!entry)
      metrics.set(
        subject,
        (entry = /^v\d+$/.test(subject) ? { active: 0, downloaded: 0, failed: 0, installed: 0 } : { active: 0 }),
      );
    if (kind === 'Active') entry.active += total;
    else if (kind === 'Downloaded' && entry.downloaded !== undefined) entry.downloaded += total;
    else if (kind === 'DeploymentSucceeded' && entry.installed !== undefined) entry.installed += total;
    else if (kind === 'DeploymentFailed' && entry.failed !== undefined) entry.failed += total;
  }
  return metrics;
}
