import { isBinaryRange, isRolloutPercentage, MAX_DESCRIPTION_LENGTH } from './releaseMetadata';
import { isRefusal, refuse, type Refusal } from './refusal';
import { releaseEntry, type Actor, type Catalog, type LogEntry, type Release, type ReleaseChanges } from './releaseLog';

/** What a management change does: append one log entry, or nothing (refused, with the reasons). */
/** A planned change to one release: a new release entry or a patch of an existing one. */
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
 * Promote: the source release's content into the target deployment as a new release (new label there),
 * with optional overrides. Refused: same channel, unknown label, bad overrides, content identical to the
 * target's latest release for the same range.
 */
export function planPromote(
  source: Catalog,
  target: Catalog,
  input: { label?: string; overrides: ReleaseChanges; at: string; by: string; actor?: Actor },
): ManagementPlan {
  if (source.deployment.channel === target.deployment.channel)
    return refuse('conflict', `cannot promote ${source.deployment.channel} to itself`);
  const problem = changesProblem(input.overrides);
  if (problem) return refuse('invalid', problem);
  const release = findRelease(source, input.label);
  if (isRefusal(release)) return release;
  const targetBinaryRange = input.overrides.targetBinaryRange ?? release.targetBinaryRange;
  const latestForRange = [...target.releases]
    .reverse()
    .find((candidate) => candidate.targetBinaryRange === targetBinaryRange);
  if (latestForRange?.packageHash === release.packageHash) {
    return refuse(
      'conflict',
      `${target.deployment.channel} already has this content as ${latestForRange.label} for ${targetBinaryRange}`,
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
 */
export function planRollback(
  catalog: Catalog,
  input: { label?: string; at: string; by: string; actor?: Actor },
): ManagementPlan {
  const { app, platform, channel } = catalog.deployment;
  if (catalog.releases.length === 0) return refuse('notFound', `${app}/${platform}/${channel} has no releases`);
  const latest = catalog.releases[catalog.releases.length - 1]!;
  let target: Release | Refusal;
  if (input.label === undefined) {
    if (catalog.releases.length < 2)
      return refuse('notFound', `${app}/${platform}/${channel} has no release before ${latest.label}`);
    target = catalog.releases[catalog.releases.length - 2]!;
  } else target = findRelease(catalog, input.label);
  if (isRefusal(target)) return target;
  if (target.label === latest.label) return refuse('conflict', `${target.label} is already the latest release`);
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
      },
      input.at,
      input.by,
      input.actor,
    ),
  };
}

/** Newest first, one page: `cursor` is the seq to continue below. */
export function historyPage(
  catalog: Catalog,
  limit: number,
  cursor: number | undefined,
): { releases: Release[]; nextCursor: number | undefined } {
  const newestFirst = [...catalog.releases].reverse().filter((release) => cursor === undefined || release.seq < cursor);
  const page = newestFirst.slice(0, limit);
  return { releases: page, nextCursor: newestFirst.length > limit ? page[page.length - 1]!.seq : undefined };
}
