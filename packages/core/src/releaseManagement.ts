import { runtimeVersionProblem } from './identifierRules';
import { isBinaryRange, isRolloutPercentage, MAX_DESCRIPTION_LENGTH } from './releaseMetadata';
import { isRefusal, refuse, type Refusal } from './refusal';
import type { EmbeddedRollback } from './expoUpdate';
import {
  identicalLatest,
  releaseEntry,
  type Actor,
  type Catalog,
  type LogEntry,
  type Release,
  type ReleaseChanges,
} from './releaseLog';

/**
 * What a management change to one release does: append one log entry (a new release entry or a patch of an
 * existing one), or nothing (refused, with the reasons).
 */
export type ManagementPlan =
  { kind: 'append'; entry: Extract<LogEntry, { type: 'release' | 'patch' | 'diffs' }> } | Refusal;

function findRelease(catalog: Catalog, label: string | undefined): Release | Refusal {
  const { app, platform, channel } = catalog.deployment;
  if (catalog.releases.length === 0) return refuse('notFound', `${app}/${platform}/${channel} has no releases`);
  if (label === undefined) return catalog.releases[catalog.releases.length - 1]!;
  const release = catalog.releases.find((candidate) => candidate.label === label);
  return release ?? refuse('notFound', `${app}/${platform}/${channel} has no release ${label}`);
}

/** Checks what a patch or promote may set; every problem makes the change `invalid`. */
export function changesProblem(changes: ReleaseChanges): string | undefined {
  if (changes.rollout !== undefined && !isRolloutPercentage(changes.rollout))
    return `rollout must be a whole percentage from 1 to 100, got ${JSON.stringify(changes.rollout)}`;
  if (changes.targetBinaryRange !== undefined && !isBinaryRange(changes.targetBinaryRange)) {
    return `target binary range ${JSON.stringify(changes.targetBinaryRange)} is not a valid semver range`;
  }
  for (const flag of ['mandatory', 'disabled'] as const)
    if (changes[flag] !== undefined && typeof changes[flag] !== 'boolean') return `${flag} must be true or false`;
  if (
    changes.description !== undefined &&
    (typeof changes.description !== 'string' || changes.description.length > MAX_DESCRIPTION_LENGTH)
  )
    return `description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`;
  return undefined;
}

/**
 * The `expo` field of a promoted or rolled-back copy: the same update under a fresh id (so devices running the
 * original see the copy as newer), keeping its runtime version. Nothing for a release that is not an Expo update.
 */
function expoCopy(
  release: Release,
  newExpoId: string | undefined,
  changes: ReleaseChanges = {},
): Pick<Release, 'expo'> | Refusal {
  if (!release.expo) return {};
  if (changes.targetBinaryRange !== undefined)
    return refuse(
      'invalid',
      `${release.label} is an Expo update for runtime version ${release.expo.runtimeVersion}; a target binary range does not apply`,
    );
  // The caller's duty (pure core makes no ids); a copy with the original's id would be invisible to devices.
  if (newExpoId === undefined) throw new Error(`copying Expo update ${release.label} needs a fresh id`);
  return { expo: { ...release.expo, id: newExpoId.toLowerCase() } };
}

/**
 * Promote: the source release's content into the target deployment as a new release (new label there),
 * with optional overrides. Refused: same channel, unknown label, bad overrides, content identical to the
 * target's latest release for the same range.
 */
export function planPromote(
  source: Catalog,
  target: Catalog,
  input: {
    label?: string;
    overrides: ReleaseChanges;
    at: string;
    by: string;
    actor?: Actor;
    /** A fresh lowercase UUID: the id the copy gets when it is an Expo update (the caller makes it). */
    newExpoId?: string;
  },
): ManagementPlan {
  if (source.deployment.channel === target.deployment.channel)
    return refuse('conflict', `cannot promote ${source.deployment.channel} to itself`);
  const problem = changesProblem(input.overrides);
  if (problem) return refuse('invalid', problem);
  const release = findRelease(source, input.label);
  if (isRefusal(release)) return release;
  const expo = expoCopy(release, input.newExpoId, input.overrides);
  if (isRefusal(expo)) return expo;
  const targetBinaryRange = input.overrides.targetBinaryRange ?? release.targetBinaryRange;
  const identical = identicalLatest(target.releases, { ...release, targetBinaryRange });
  if (identical) {
    const scope = release.expo ? `runtime version ${release.expo.runtimeVersion}` : targetBinaryRange;
    return refuse(
      'conflict',
      `${target.deployment.channel} already has this content as ${identical.label} for ${scope}`,
    );
  }
  return {
    kind: 'append',
    entry: releaseEntry(
      target,
      {
        ...release,
        description: input.overrides.description ?? release.description,
        mandatory: input.overrides.mandatory ?? release.mandatory,
        rollout: input.overrides.rollout ?? 100,
        disabled: input.overrides.disabled ?? false,
        targetBinaryRange,
        uploadId: undefined,
        origin: { kind: 'promote', channel: source.deployment.channel, label: release.label },
        ...expo,
      },
      input.at,
      input.by,
      input.actor,
    ),
  };
}

/**
 * Patch: change a release's rollout (only upwards), mandatory, disabled, description or target range.
 * An empty patch, a shrinking rollout or a bad value is refused.
 */
export function planPatch(
  catalog: Catalog,
  input: { label: string; changes: ReleaseChanges; at: string; by: string; actor?: Actor },
): ManagementPlan {
  const problem = changesProblem(input.changes);
  if (problem) return refuse('invalid', problem);
  const release = findRelease(catalog, input.label);
  if (isRefusal(release)) return release;
  if (release.expo && input.changes.targetBinaryRange !== undefined)
    return refuse(
      'invalid',
      `${release.label} is an Expo update for runtime version ${release.expo.runtimeVersion}; a target binary range does not apply`,
    );
  const changes = Object.fromEntries(
    Object.entries(input.changes).filter(
      ([name, value]) => value !== undefined && value !== release[name as keyof Release],
    ),
  ) as ReleaseChanges;
  if (Object.keys(changes).length === 0) return refuse('invalid', `nothing to change on ${release.label}`);
  if (changes.rollout !== undefined && changes.rollout < release.rollout)
    return refuse(
      'conflict',
      `rollout may only grow: ${release.label} is at ${release.rollout}%, asked for ${changes.rollout}%`,
    );
  return {
    kind: 'append',
    entry: {
      seq: catalog.head + 1,
      at: input.at,
      by: input.by,
      ...(input.actor ? { actor: input.actor } : {}),
      type: 'patch',
      label: release.label,
      changes,
    },
  };
}

/**
 * Rollback: a new release copying an earlier one (by default the one before the latest), fully rolled out
 * and enabled. Refused: no releases, nothing before the latest, the target is the latest, unknown label.
 * When the latest release is an Expo update, the target must be an Expo update of the same runtime version
 * (by default the newest earlier one), and the copy gets the fresh id the caller supplies.
 */
export function planRollback(
  catalog: Catalog,
  input: { label?: string; at: string; by: string; actor?: Actor; newExpoId?: string },
): ManagementPlan {
  const { app, platform, channel } = catalog.deployment;
  if (catalog.releases.length === 0) return refuse('notFound', `${app}/${platform}/${channel} has no releases`);
  const latest = catalog.releases[catalog.releases.length - 1]!;
  const runtime = latest.expo?.runtimeVersion;
  const comparable = (release: Release): boolean => release.expo?.runtimeVersion === runtime;
  let target: Release | Refusal;
  if (input.label === undefined) {
    const earlier = catalog.releases.slice(0, -1).reverse().find(comparable);
    if (!earlier)
      return refuse(
        'notFound',
        `${app}/${platform}/${channel} has no release before ${latest.label}${runtime === undefined ? '' : ` for runtime version ${runtime}`}`,
      );
    target = earlier;
  } else target = findRelease(catalog, input.label);
  if (isRefusal(target)) return target;
  if (target.label === latest.label) return refuse('conflict', `${target.label} is already the latest release`);
  if (!comparable(target)) {
    const describe = (release: Release): string =>
      release.expo ? `an Expo update for runtime version ${release.expo.runtimeVersion}` : 'not an Expo update';
    return refuse(
      'conflict',
      `cannot roll back ${latest.label} (${describe(latest)}) to ${target.label} (${describe(target)}): an Expo update rolls back only to an Expo update of the same runtime version`,
    );
  }
  const expo = expoCopy(target, input.newExpoId);
  if (isRefusal(expo)) return expo;
  return {
    kind: 'append',
    entry: releaseEntry(
      catalog,
      {
        ...target,
        rollout: 100,
        disabled: false,
        uploadId: undefined,
        origin: { kind: 'rollback', channel, label: target.label },
        ...expo,
      },
      input.at,
      input.by,
      input.actor,
    ),
  };
}

/** The entry of a rollback to the embedded bundle (Expo), or why not. */
export type EmbeddedRollbackPlan = { kind: 'append'; entry: Extract<LogEntry, { type: 'embeddedRollback' }> } | Refusal;

/**
 * Rollback to the embedded bundle (Expo): devices on the runtime version (every runtime version when none is
 * given) return to the JavaScript in their binary, until a newer release for their runtime version. Refused
 * when the deployment has no Expo update for that scope (devices already run their embedded bundle) or when its
 * newest item for that scope is already such a rollback.
 */
export function planEmbeddedRollback(
  catalog: Catalog,
  input: { runtimeVersion?: string; at: string; by: string; actor?: Actor },
): EmbeddedRollbackPlan {
  const { app, platform, channel } = catalog.deployment;
  const { runtimeVersion } = input;
  if (runtimeVersion !== undefined) {
    const problem = runtimeVersionProblem(runtimeVersion);
    if (problem) return refuse('invalid', problem);
  }
  const inScope = (candidate: string): boolean => runtimeVersion === undefined || candidate === runtimeVersion;
  const scope = runtimeVersion === undefined ? '' : ` for runtime version ${runtimeVersion}`;
  const newestRelease = [...catalog.releases]
    .reverse()
    .find((release) => release.expo && inScope(release.expo.runtimeVersion));
  if (!newestRelease)
    return refuse(
      'notFound',
      `${app}/${platform}/${channel} has no Expo update${scope}: its devices already run their embedded bundle`,
    );
  const newestRollback = [...(catalog.embeddedRollbacks ?? [])]
    .reverse()
    .find((rollback) => rollback.runtimeVersion === runtimeVersion);
  if (newestRollback && newestRollback.seq > newestRelease.seq)
    return refuse(
      'conflict',
      `${app}/${platform}/${channel} is already rolled back to the embedded bundle${scope} (${newestRollback.at})`,
    );
  return {
    kind: 'append',
    entry: {
      seq: catalog.head + 1,
      at: input.at,
      by: input.by,
      ...(input.actor ? { actor: input.actor } : {}),
      type: 'embeddedRollback',
      ...(runtimeVersion === undefined ? {} : { runtimeVersion }),
    },
  };
}

/**
 * Newest first, one page: `cursor` is the seq to continue below. The embedded rollbacks (Expo) made between
 * the page's releases come with it, so pages together list every one exactly once.
 */
export function historyPage(
  catalog: Catalog,
  limit: number,
  cursor: number | undefined,
): { releases: Release[]; embeddedRollbacks: EmbeddedRollback[]; nextCursor: number | undefined } {
  const newestFirst = [...catalog.releases].reverse().filter((release) => cursor === undefined || release.seq < cursor);
  const page = newestFirst.slice(0, limit);
  const nextCursor = newestFirst.length > limit ? page[page.length - 1]!.seq : undefined;
  const embeddedRollbacks = [...(catalog.embeddedRollbacks ?? [])]
    .reverse()
    .filter(
      (rollback) =>
        (cursor === undefined || rollback.seq < cursor) && (nextCursor === undefined || rollback.seq > nextCursor),
    );
  return { releases: page, embeddedRollbacks, nextCursor };
}
