import { nameProblem, PLATFORMS, type Platform } from './names';
import { refuse, type Refusal } from './refusal';

/** A channel of an app, with one deployment key per platform (CodePush clients name a deployment by key). */
export interface ChannelRecord {
  deploymentKeys: Partial<Record<Platform, string>>;
  createdAt: string;
  /** Auto-halt of this channel's releases (every platform); absent: never halted automatically. */
  haltPolicy?: HaltPolicy;
}

/**
 * A channel's auto-halt policy: a release with at least `minInstalls` install attempts whose failure rate
 * reaches `failureRatePercent` is disabled by the fold (`autoHaltDecision`).
 */
export interface HaltPolicy {
  /** 0 < percent <= 100. */
  failureRatePercent: number;
  /** A whole number >= 1. */
  minInstalls: number;
  /**
   * Also count the unverified launch signals of the Expo manifest route (`UNVERIFIED_SIGNAL_KINDS`). Anyone can
   * send those, so with it a forger can halt a good release or keep a bad one running; absent: not counted.
   */
  unverifiedSignals?: boolean;
}

/** Why a halt policy is not one, or undefined. */
export function haltPolicyProblem(policy: HaltPolicy): string | undefined {
  const { failureRatePercent: rate, minInstalls } = policy;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 100)
    return 'haltPolicy.failureRatePercent must be a number above 0 and at most 100';
  if (!Number.isInteger(minInstalls) || minInstalls < 1 || minInstalls > 1_000_000_000)
    return 'haltPolicy.minInstalls must be a whole number from 1';
  if (policy.unverifiedSignals !== undefined && typeof policy.unverifiedSignals !== 'boolean')
    return 'haltPolicy.unverifiedSignals must be true or false';
  return undefined;
}

/** An app in the registry (`apps/<name>.json`). */
export interface AppRecord {
  schemaVersion: 1;
  name: string;
  platforms: Platform[];
  channels: Record<string, ChannelRecord>;
  createdAt: string;
}

/** Every new app starts with these channels. */
export const DEFAULT_CHANNELS = ['staging', 'production'] as const;

export type NewAppResult = { kind: 'ok'; record: AppRecord } | Refusal<'invalid'>;

/**
 * A new app record with the default channels and a fresh deployment key for each platform of each channel.
 * `newDeploymentKey` supplies the randomness (core has none of its own).
 */
export function newAppRecord(input: {
  name: string;
  platforms: readonly string[];
  now: string;
  newDeploymentKey: () => string;
}): NewAppResult {
  const reasons: string[] = [];
  const nameIssue = nameProblem('app', input.name);
  if (nameIssue) reasons.push(nameIssue);
  if (input.platforms.length === 0) reasons.push(`an app needs at least one platform (${PLATFORMS.join(', ')})`);
  for (const platform of input.platforms) {
    const issue = nameProblem('platform', platform);
    if (issue) reasons.push(issue);
  }
  if (new Set(input.platforms).size !== input.platforms.length) reasons.push('platforms are listed more than once');
  if (reasons.length > 0) return { kind: 'invalid', reasons };
  const platforms = PLATFORMS.filter((platform) => input.platforms.includes(platform));
  const channels: Record<string, ChannelRecord> = {};
  for (const channel of DEFAULT_CHANNELS) {
    channels[channel] = {
      createdAt: input.now,
      deploymentKeys: Object.fromEntries(platforms.map((platform) => [platform, input.newDeploymentKey()])),
    };
  }
  return { kind: 'ok', record: { schemaVersion: 1, name: input.name, platforms, channels, createdAt: input.now } };
}

/** Why a release cannot go to this app/platform/channel, or undefined when it can. */
export function deploymentProblem(app: AppRecord, platform: string, channel: string): string | undefined {
  if (!(app.platforms as string[]).includes(platform))
    return `app ${app.name} has no platform ${JSON.stringify(platform)} (it has ${app.platforms.join(', ')})`;
  if (!Object.prototype.hasOwnProperty.call(app.channels, channel))
    return `app ${app.name} has no channel ${JSON.stringify(channel)} (it has ${Object.keys(app.channels).join(', ')})`;
  return undefined;
}

/**
 * What a public route says about a deployment it cannot serve: the names that were asked for and nothing else,
 * in the same words whether the app, its platform or its channel is missing (never the app's other channels).
 * Management routes, which are signed, say more (`deploymentProblem`).
 */
export function deploymentNotFound(deployment: { app: string; platform: string; channel: string }): string {
  return `no deployment for app ${JSON.stringify(deployment.app)}, platform ${JSON.stringify(deployment.platform)}, channel ${JSON.stringify(deployment.channel)}`;
}

/** Reads a stored app record; throws on anything that is not one (a corrupt registry must not pass silently). */
export function parseAppRecord(json: unknown): AppRecord {
  const record = json as AppRecord;
  if (
    typeof record !== 'object' ||
    record === null ||
    record.schemaVersion !== 1 ||
    typeof record.name !== 'string' ||
    !Array.isArray(record.platforms) ||
    typeof record.channels !== 'object'
  ) {
    throw new Error('not an app record (schemaVersion 1)');
  }
  return record;
}

/** An app record change and the deployment keys it adds and retires (the key index must follow). */
export interface AppRecordChange {
  record: AppRecord;
  addedKeys: { key: string; platform: Platform; channel: string }[];
  removedKeys: string[];
}

export type AppChangeResult = { kind: 'ok'; change: AppRecordChange } | Refusal;

/** Adds a channel with a fresh deployment key per platform. */
export function withChannel(
  record: AppRecord,
  channel: string,
  now: string,
  newDeploymentKey: () => string,
): AppChangeResult {
  const problem = nameProblem('channel', channel);
  if (problem) return refuse('invalid', problem);
  if (Object.prototype.hasOwnProperty.call(record.channels, channel))
    return refuse('conflict', `app ${record.name} already has channel ${channel}`);
  const deploymentKeys = Object.fromEntries(
    record.platforms.map((platform) => [platform, newDeploymentKey()]),
  ) as Partial<Record<Platform, string>>;
  return {
    kind: 'ok',
    change: {
      record: { ...record, channels: { ...record.channels, [channel]: { deploymentKeys, createdAt: now } } },
      addedKeys: record.platforms.map((platform) => ({ key: deploymentKeys[platform]!, platform, channel })),
      removedKeys: [],
    },
  };
}

/** Sets (or, with null, clears) a channel's auto-halt policy. */
export function withHaltPolicy(record: AppRecord, channel: string, policy: HaltPolicy | null): AppChangeResult {
  const existing = record.channels[channel];
  if (!existing || !Object.prototype.hasOwnProperty.call(record.channels, channel))
    return refuse('notFound', `app ${record.name} has no channel ${JSON.stringify(channel)}`);
  const problem = policy ? haltPolicyProblem(policy) : undefined;
  if (problem) return refuse('invalid', problem);
  const { haltPolicy: _previous, ...rest } = existing;
  const updated: ChannelRecord = policy
    ? {
        ...rest,
        haltPolicy: {
          failureRatePercent: policy.failureRatePercent,
          minInstalls: policy.minInstalls,
          ...(policy.unverifiedSignals === true ? { unverifiedSignals: true } : {}),
        },
      }
    : rest;
  return {
    kind: 'ok',
    change: {
      record: { ...record, channels: { ...record.channels, [channel]: updated } },
      addedKeys: [],
      removedKeys: [],
    },
  };
}

/** Removes a channel and retires its keys. The last channel stays: an app always has one. */
export function withoutChannel(record: AppRecord, channel: string): AppChangeResult {
  const existing = record.channels[channel];
  if (!existing || !Object.prototype.hasOwnProperty.call(record.channels, channel))
    return refuse('notFound', `app ${record.name} has no channel ${JSON.stringify(channel)}`);
  if (Object.keys(record.channels).length === 1)
    return refuse('conflict', `${channel} is the only channel of ${record.name}`);
  const channels = { ...record.channels };
  delete channels[channel];
  return {
    kind: 'ok',
    change: {
      record: { ...record, channels },
      addedKeys: [],
      removedKeys: Object.values<string>(existing.deploymentKeys),
    },
  };
}

/** Replaces a channel's deployment keys (one platform's, or all); the old keys stop resolving. */
export function withRotatedKeys(
  record: AppRecord,
  channel: string,
  platform: string | undefined,
  newDeploymentKey: () => string,
): AppChangeResult {
  const existing = record.channels[channel];
  if (!existing || !Object.prototype.hasOwnProperty.call(record.channels, channel))
    return refuse('notFound', `app ${record.name} has no channel ${JSON.stringify(channel)}`);
  if (platform !== undefined && !(record.platforms as string[]).includes(platform))
    return refuse('notFound', `app ${record.name} has no platform ${JSON.stringify(platform)}`);
  const platforms = platform === undefined ? record.platforms : [platform as Platform];
  const deploymentKeys = { ...existing.deploymentKeys };
  const addedKeys: AppRecordChange['addedKeys'] = [];
  const removedKeys: string[] = [];
  for (const each of platforms) {
    if (deploymentKeys[each]) removedKeys.push(deploymentKeys[each]);
    deploymentKeys[each] = newDeploymentKey();
    addedKeys.push({ key: deploymentKeys[each], platform: each, channel });
  }
  return {
    kind: 'ok',
    change: {
      record: { ...record, channels: { ...record.channels, [channel]: { ...existing, deploymentKeys } } },
      addedKeys,
      removedKeys,
    },
  };
}
