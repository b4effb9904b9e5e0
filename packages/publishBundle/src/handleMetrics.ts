import {
  jsonResponse,
  type AppRegistry,
  type HttpRequest,
  type HttpResponse,
  type ObjectStore,
} from '@hotpatch/common';
import { summarizeMetrics, type MetricsResponse } from '@hotpatch/core';
import { readFoldedMetrics } from './foldMetrics';
import { resolveDeployment } from './resolveDeployment';

/**
 * `GET /v1/apps/:app/:platform/:channel/metrics`: per release active, downloaded, installed, failed (and per
 * binary version active), from the folded totals and the few reports not yet folded (`readFoldedMetrics`): a
 * constant number of objects, whatever the report count.
 */
export async function handleMetrics(
  request: HttpRequest,
  store: ObjectStore,
  registry: AppRegistry,
): Promise<HttpResponse> {
  const deployment = await resolveDeployment(registry, request.pathParameters);
  const { counters } = await readFoldedMetrics(store, deployment);
  // fromEntries defines each label as an own property: a label named __proto__ stays a label.
  return jsonResponse(200, { metrics: Object.fromEntries(summarizeMetrics(counters)) } satisfies MetricsResponse);
}
