import { randomUUID } from 'node:crypto';
import {
  appendToLog,
  BadRequestError,
  buildBinaryPatches,
  buildCodePushDiffs,
  jsonResponse,
  loadDeploymentState,
  refusalError,
  type AppRegistry,
  type Logger,
  type HttpRequest,
  type HttpResponse,
  type ObjectStore,
  type PatchSettings,
} from '@hotpatch/common';
import {
  historyPage,
  planEmbeddedRollback,
  planPatch,
  planPromote,
  planRollback,
  type Actor,
  type Catalog,
  type EmbeddedRollback,
  type EmbeddedRollbackResponse,
  type HistoryResponse,
  type ManagementPlan,
  type Release,
  type ReleaseChanges,
  type ReleaseResponse,
} from '@hotpatch/core';
import { optionalField, parseJsonBody } from './parseJsonBody';
import { resolveDeployment } from './resolveDeployment';

export interface ReleaseDependencies {
  store: ObjectStore;
  registry: AppRegistry;
  now: () => Date;
  tempDirectory: string;
  /** Which bases get binary patches to a promoted release, and which are kept. */
  patches: PatchSettings;
  /** The check path's catalog TTL, reported with every change (`ReleaseResponse.visibleWithinSeconds`). */
  visibleWithinSeconds: number;
}

/** Appends what `plan` decides against the current state; returns the release it created or changed. */
function appendPlanned(
  dependencies: ReleaseDependencies,
  deployment: Awaited<ReturnType<typeof resolveDeployment>>,
  plan: (state: Catalog) => ManagementPlan,
): Promise<Release> {
  return appendToLog<Release>(dependencies.store, deployment, (state) => {
    const planned = plan(state);
    // A refused plan writes nothing.
    if (planned.kind !== 'append') throw refusalError(planned);
    const entry = planned.entry;
    const label = entry.type === 'release' ? entry.release.label : entry.label;
    return { append: entry, outcome: (catalog) => catalog.releases.find((release) => release.label === label)! };
  });
}

function readChanges(body: Record<string, unknown>): ReleaseChanges {
  const changes: ReleaseChanges = {};
  const rollout = optionalField(body, 'rollout', 'number');
  const mandatory = optionalField(body, 'mandatory', 'boolean');
  const disabled = optionalField(body, 'disabled', 'boolean');
  const description = optionalField(body, 'description', 'string');
  const targetBinaryRange = optionalField(body, 'targetBinaryRange', 'string');
  if (rollout !== undefined) changes.rollout = rollout;
  if (mandatory !== undefined) changes.mandatory = mandatory;
  if (disabled !== undefined) changes.disabled = disabled;
  if (description !== undefined) changes.description = description;
  if (targetBinaryRange !== undefined) changes.targetBinaryRange = targetBinaryRange;
  return changes;
}

const by = (request: HttpRequest): string => request.principal ?? 'unknown';
/** Who made a change through this API: the management key that signed it (or that the gateway named). */
const actor = (request: HttpRequest): Actor => ({ key: by(request) });

/** `POST /v1/apps/:app/:platform/:channel/promote {to, label?, …overrides}`; then the target's diffs. */
export async function handlePromote(
  request: HttpRequest,
  dependencies: ReleaseDependencies,
  logger: Logger,
): Promise<HttpResponse> {
  const source = await resolveDeployment(dependencies.registry, request.pathParameters);
  const body = parseJsonBody(request);
  const to = optionalField(body, 'to', 'string');
  if (!to) throw new BadRequestError('to (the target channel) is required', 'to');
  const label = optionalField(body, 'label', 'string');
  const target = await resolveDeployment(dependencies.registry, { ...request.pathParameters, channel: to });
  const overrides = readChanges(body);
  const sourceState = await loadDeploymentState(dependencies.store, source);
  const release = await appendPlanned(dependencies, target, (state) =>
    planPromote(sourceState, state, {
      ...(label ? { label } : {}),
      overrides,
      at: dependencies.now().toISOString(),
      by: by(request),
      actor: actor(request),
      // Used only when the release is an Expo update: its copy is a new update to devices.
      newExpoId: randomUUID(),
    }),
  );
  // The promotion stands either way; without diffs phones download the full package.
  try {
    await buildCodePushDiffs(dependencies.store, target, release.label, {
      logger,
      tempDirectory: dependencies.tempDirectory,
      by: by(request),
      actor: actor(request),
      now: dependencies.now,
    });
  } catch (error) {
    logger.warn('diff packages not built after promote', { label: release.label, error });
  }
  // Patches from the target channel's own recent releases (those exist on its devices); same fallback. Within
  // the time budget, so that the answer comes before the function's timeout (a 502 would make callers retry).
  try {
    await buildBinaryPatches(dependencies.store, target, release.label, {
      logger,
      settings: dependencies.patches,
      tempDirectory: dependencies.tempDirectory,
      by: by(request),
      actor: actor(request),
      now: dependencies.now,
      deadline: new Date(dependencies.now().getTime() + dependencies.patches.timeBudgetMs),
    });
  } catch (error) {
    logger.warn('binary patches not built after promote', { label: release.label, error });
  }
  return jsonResponse(201, {
    release,
    visibleWithinSeconds: dependencies.visibleWithinSeconds,
  } satisfies ReleaseResponse);
}

/** `PATCH /v1/apps/:app/:platform/:channel/releases/:label {rollout?, mandatory?, disabled?, description?, targetBinaryRange?}`. */
export async function handlePatch(request: HttpRequest, dependencies: ReleaseDependencies): Promise<HttpResponse> {
  const deployment = await resolveDeployment(dependencies.registry, request.pathParameters);
  const changes = readChanges(parseJsonBody(request));
  const label = request.pathParameters.label ?? '';
  const release = await appendPlanned(dependencies, deployment, (state) =>
    planPatch(state, { label, changes, at: dependencies.now().toISOString(), by: by(request), actor: actor(request) }),
  );
  return jsonResponse(200, {
    release,
    visibleWithinSeconds: dependencies.visibleWithinSeconds,
  } satisfies ReleaseResponse);
}

/** `POST /v1/apps/:app/:platform/:channel/rollback {label?}`. */
export async function handleRollback(request: HttpRequest, dependencies: ReleaseDependencies): Promise<HttpResponse> {
  const deployment = await resolveDeployment(dependencies.registry, request.pathParameters);
  const label = optionalField(parseJsonBody(request), 'label', 'string');
  const release = await appendPlanned(dependencies, deployment, (state) =>
    planRollback(state, {
      ...(label ? { label } : {}),
      at: dependencies.now().toISOString(),
      by: by(request),
      actor: actor(request),
      newExpoId: randomUUID(),
    }),
  );
  return jsonResponse(201, {
    release,
    visibleWithinSeconds: dependencies.visibleWithinSeconds,
  } satisfies ReleaseResponse);
}

/**
 * `POST /v1/apps/:app/:platform/:channel/rollback-to-embedded {runtimeVersion?}` (Expo): appends an
 * `embeddedRollback` entry; devices in scope get the `rollBackToEmbedded` directive.
 */
export async function handleRollbackToEmbedded(
  request: HttpRequest,
  dependencies: ReleaseDependencies,
): Promise<HttpResponse> {
  const deployment = await resolveDeployment(dependencies.registry, request.pathParameters);
  const runtimeVersion = optionalField(parseJsonBody(request), 'runtimeVersion', 'string');
  const embeddedRollback = await appendToLog<EmbeddedRollback>(dependencies.store, deployment, (state) => {
    const planned = planEmbeddedRollback(state, {
      ...(runtimeVersion === undefined ? {} : { runtimeVersion }),
      at: dependencies.now().toISOString(),
      by: by(request),
      actor: actor(request),
    });
    if (planned.kind !== 'append') throw refusalError(planned);
    const { seq } = planned.entry;
    return { append: planned.entry, outcome: (catalog) => catalog.embeddedRollbacks!.find((r) => r.seq === seq)! };
  });
  return jsonResponse(201, {
    embeddedRollback,
    visibleWithinSeconds: dependencies.visibleWithinSeconds,
  } satisfies EmbeddedRollbackResponse);
}

/** `GET /v1/apps/:app/:platform/:channel/history?limit=&cursor=`: newest first. */
export async function handleHistory(request: HttpRequest, dependencies: ReleaseDependencies): Promise<HttpResponse> {
  const deployment = await resolveDeployment(dependencies.registry, request.pathParameters);
  const limit = request.query.limit === undefined ? 20 : Number(request.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new BadRequestError('limit must be a whole number from 1 to 100', 'limit');
  const cursor = request.query.cursor === undefined ? undefined : Number(request.query.cursor);
  if (cursor !== undefined && (!Number.isInteger(cursor) || cursor < 1))
    throw new BadRequestError('cursor must be the nextCursor of a previous page', 'cursor');
  const page = historyPage(await loadDeploymentState(dependencies.store, deployment), limit, cursor);
  return jsonResponse(200, {
    releases: page.releases,
    ...(page.embeddedRollbacks.length > 0 ? { embeddedRollbacks: page.embeddedRollbacks } : {}),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  } satisfies HistoryResponse);
}
