import {
  jsonResponse,
  listAllKeys,
  readJson,
  type AppRegistry,
  type HttpRequest,
  type HttpResponse,
  type ObjectStore,
} from '@hotpatch/common';
import {
  metricsKeys,
  parseMetricDeltas,
  summarizeMetrics,
  type MetricDeltas,
  type MetricsResponse,
} from '@hotpatch/core';
import { resolveDeployment } from './resolveDeployment';

/** Reads this many report objects at a time. */
const READ_BATCH = 32;

/**
 * `GET /v1/apps/:app/:platform/:channel/metrics`: per release active, downloaded, installed, failed (and per
 * binary version active), summed from every report object of the deployment.
 */
export async function handleMetrics(
  request: HttpRequest,
  store: ObjectStore,
  registry: AppRegistry,
): Promise<HttpResponse> {
  const deployment = await resolveDeployment(registry, request.pathParameters);
  const keys = await listAllKeys(store, { prefix: metricsKeys.prefix(deployment) });
  const recorded: MetricDeltas[] = [];
  for (let start = 0; start < keys.length; start += READ_BATCH) {
    const batch = await Promise.all(
      keys
        .slice(start, start + READ_BATCH)
        .map((key) => readJson(store, key, (json) => parseMetricDeltas((json as { deltas?: unknown } | null)?.deltas))),
    );
    for (const deltas of batch) if (deltas) recorded.push(deltas);
  }
  // fromEntries defines each label as an own property: a label named __proto__ stays a label.
  return jsonResponse(200, { metrics: Object.fromEntries(summarizeMetrics(recorded)) } satisfies MetricsResponse);
}
