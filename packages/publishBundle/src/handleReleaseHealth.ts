import {
  BadRequestError,
  jsonResponse,
  loadDeploymentState,
  NotFoundError,
  type AppRegistry,
  type HttpRequest,
  type HttpResponse,
  type ObjectStore,
} from '@hotpatch/common';
import {
  explainUpdate,
  normalizeAppVersion,
  prepareCatalog,
  releaseHealth,
  releaseHistory,
  type ExplainResponse,
  type HaltPolicyBody,
  type ReleaseHealthResponse,
} from '@hotpatch/core';
import { readFoldedMetrics } from './foldMetrics';
import { parseJsonBody } from './parseJsonBody';
import { resolveDeployment } from './resolveDeployment';

/** `GET /v1/apps/:app/:platform/:channel/health[?label=]`: health per release, newest first. */
export async function handleReleaseHealth(
  request: HttpRequest,
  store: ObjectStore,
  registry: AppRegistry,
): Promise<HttpResponse> {
  const deployment = await resolveDeployment(registry, request.pathParameters);
  const [metrics, state, app] = await Promise.all([
    readFoldedMetrics(store, deployment),
    loadDeploymentState(store, deployment),
    registry.get(deployment.app),
  ]);
  const counted = releaseHealth(metrics.counters, state.releases);
  const health = {
    ...counted,
    releases: counted.releases.map((row) => ({ ...row, history: releaseHistory(metrics.history, row.label) })),
  };
  const label = request.query.label;
  if (label !== undefined && !health.releases.some((row) => row.label === label))
    throw new NotFoundError(`${deployment.channel} has no release ${JSON.stringify(label)}`);
  const policy = app?.channels[deployment.channel]?.haltPolicy;
  return jsonResponse(200, {
    releases: label === undefined ? health.releases : health.releases.filter((row) => row.label === label),
    binaryVersions: health.binaryVersions,
    ...(policy ? { haltPolicy: policy } : {}),
    ...(metrics.foldedAt ? { foldedAt: metrics.foldedAt } : {}),
    pendingReports: metrics.pendingReports,
    ...(metrics.pendingMore ? { pendingMore: true } : {}),
  } satisfies ReleaseHealthResponse);
}

/** `PUT /v1/apps/:app/channels/:channel/halt-policy {haltPolicy: {failureRatePercent, minInstalls, unverifiedSignals?} | null}`. */
export async function handleSetHaltPolicy(request: HttpRequest, registry: AppRegistry): Promise<HttpResponse> {
  const body = parseJsonBody(request) as Partial<HaltPolicyBody>;
  if (!('haltPolicy' in body))
    throw new BadRequestError('haltPolicy (an object, or null to clear) is required', 'haltPolicy');
  const policy = body.haltPolicy;
  if (policy !== null && (typeof policy !== 'object' || Array.isArray(policy) || policy === undefined))
    throw new BadRequestError('haltPolicy must be {failureRatePercent, minInstalls} or null', 'haltPolicy');
  const app = await registry.setHaltPolicy(
    request.pathParameters.app ?? '',
    request.pathParameters.channel ?? '',
    policy === null
      ? null
      : {
          failureRatePercent: policy.failureRatePercent,
          minInstalls: policy.minInstalls,
          ...(policy.unverifiedSignals === undefined ? {} : { unverifiedSignals: policy.unverifiedSignals }),
        },
  );
  return jsonResponse(200, { app });
}

/**
 * `GET /v1/apps/:app/:platform/:channel/explain?appVersion=&bundleHash=&clientId=`: the decision the check
 * path makes for this device on the deployment's current log, with each release's reason (`explainUpdate`).
 */
export async function handleExplain(
  request: HttpRequest,
  store: ObjectStore,
  registry: AppRegistry,
): Promise<HttpResponse> {
  const deployment = await resolveDeployment(registry, request.pathParameters);
  const raw = request.query.appVersion;
  if (!raw) throw new BadRequestError('appVersion is missing', 'appVersion');
  const appVersion = normalizeAppVersion(raw);
  if (!appVersion)
    throw new BadRequestError(`appVersion ${JSON.stringify(raw)} is not a semantic version`, 'appVersion');
  const prepared = prepareCatalog(await loadDeploymentState(store, deployment));
  const { decision, trace } = explainUpdate(prepared, {
    appVersion,
    bundleHash: request.query.bundleHash || undefined,
    clientId: request.query.clientId || undefined,
  });
  const label = decision.kind === 'update' || decision.kind === 'rollback' ? decision.release?.label : undefined;
  return jsonResponse(200, {
    decision: { kind: decision.kind, ...(label ? { label } : {}) },
    trace,
  } satisfies ExplainResponse);
}
