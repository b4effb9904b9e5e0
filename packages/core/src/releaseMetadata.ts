import semver from 'semver';
import { runtimeVersionProblem } from './identifierRules';
import { FILE_NAME_PATTERN, nameProblem } from './names';
import type { Refusal } from './refusal';

/** What the uploader asks for, once metadata and `hotpatch.json` are merged and validated. */
export interface ReleaseRequest {
  targetBinaryRange: string;
  channel: string;
  description: string;
  mandatory: boolean;
  /** Percentage of clients, 1–100. */
  rollout: number;
  disabled: boolean;
  /** The bundle file to look for instead of the platform default, when set. */
  bundleName: string | undefined;
  /** Set exactly for an Expo update: the runtime version it targets (then `targetBinaryRange` is empty). */
  runtimeVersion?: string;
}

export const DEFAULT_CHANNEL = 'staging';
/** The release settings file: read at a zip's root by uploadBundle, and at a released folder's root by the CLI. */
export const RELEASE_SETTINGS_FILE = 'hotpatch.json';
/** The longest release description, wherever one is set (upload metadata, `hotpatch.json`, patch, promote). */
export const MAX_DESCRIPTION_LENGTH = 4096;

/** A rollout: a whole percentage of clients, 1–100 (an upload's metadata and a patch or promote alike). */
export function isRolloutPercentage(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100;
}

/** A target binary range: a semver range that is not blank. */
export function isBinaryRange(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && semver.validRange(value) !== null;
}

/**
 * Field names, as `x-oss-meta-<name>` headers (set with `ossutil cp --meta target:1.2.x#…` or the CLI) and
 * as keys of `hotpatch.json` at the zip root.
 */
export const RELEASE_FIELDS = {
  targetBinaryRange: { meta: 'target', json: 'targetBinaryRange' },
  channel: { meta: 'channel', json: 'channel' },
  description: { meta: 'description', json: 'description' },
  mandatory: { meta: 'mandatory', json: 'mandatory' },
  rollout: { meta: 'rollout', json: 'rollout' },
  disabled: { meta: 'disabled', json: 'disabled' },
  bundleName: { meta: 'bundle-name', json: 'bundleName' },
  runtimeVersion: { meta: 'runtime-version', json: 'runtimeVersion' },
} as const;

type Field = keyof typeof RELEASE_FIELDS;

export type ParsedReleaseRequest = { kind: 'ok'; request: ReleaseRequest } | Refusal<'invalid'>;

/**
 * Merges release metadata with precedence **object metadata over `hotpatch.json`**, field by field: what the
 * uploader set at upload time overrides what the bundle carries. Returns every problem at once.
 */
export function parseReleaseRequest(
  metadata: Record<string, string>,
  hotpatchJson: unknown,
  /** `expo`: an Expo export, which needs a runtime version (and takes no target range). */
  kind: 'codePush' | 'expo' = 'codePush',
): ParsedReleaseRequest {
  const reasons: string[] = [];
  const json =
    typeof hotpatchJson === 'object' && hotpatchJson !== null && !Array.isArray(hotpatchJson)
      ? (hotpatchJson as Record<string, unknown>)
      : {};
  if (hotpatchJson !== undefined && json !== hotpatchJson) reasons.push('hotpatch.json must hold a JSON object');

  const pick = (field: Field): { value: unknown; source: string } | undefined => {
    const names = RELEASE_FIELDS[field];
    if (metadata[names.meta] !== undefined) return { value: metadata[names.meta], source: `x-oss-meta-${names.meta}` };
    if (json[names.json] !== undefined) return { value: json[names.json], source: `hotpatch.json ${names.json}` };
    return undefined;
  };

  const readBoolean = (field: Field): boolean => {
    const found = pick(field);
    if (!found) return false;
    if (found.value === true || found.value === 'true') return true;
    if (found.value === false || found.value === 'false') return false;
    reasons.push(`${found.source} must be true or false, got ${JSON.stringify(found.value)}`);
    return false;
  };

  const target = pick('targetBinaryRange');
  const runtimeField = pick('runtimeVersion');
  let targetBinaryRange = '';
  let runtimeVersion: string | undefined;
  // An Expo update targets one runtime version, matched exactly; never also a binary range.
  if (runtimeField) {
    const problem = runtimeVersionProblem(runtimeField.value);
    if (problem) reasons.push(`${runtimeField.source}: ${problem}`);
    else runtimeVersion = runtimeField.value as string;
    if (target)
      reasons.push(
        `${target.source} does not apply to an Expo update, which targets its runtime version (${runtimeField.source})`,
      );
  } else if (kind === 'expo')
    reasons.push(
      `an Expo export needs its runtime version: set x-oss-meta-${RELEASE_FIELDS.runtimeVersion.meta} or ${RELEASE_FIELDS.runtimeVersion.json} in hotpatch.json (hotpatch release --expo --runtime-version)`,
    );
  else if (!target)
    reasons.push('target binary version range is missing: set x-oss-meta-target or targetBinaryRange in hotpatch.json');
  else if (!isBinaryRange(target.value))
    reasons.push(`${target.source} is not a valid semver range: ${JSON.stringify(target.value)}`);
  else targetBinaryRange = target.value.trim();

  const channelField = pick('channel');
  const channel = channelField === undefined ? DEFAULT_CHANNEL : String(channelField.value);
  const channelProblem = channelField === undefined ? undefined : nameProblem('channel', channelField.value);
  if (channelProblem) reasons.push(`${channelField!.source}: ${channelProblem}`);

  const descriptionField = pick('description');
  let description = '';
  if (descriptionField) {
    if (typeof descriptionField.value !== 'string') reasons.push(`${descriptionField.source} must be a string`);
    else if (descriptionField.value.length > MAX_DESCRIPTION_LENGTH)
      reasons.push(`${descriptionField.source} is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
    else description = descriptionField.value;
  }

  const rolloutField = pick('rollout');
  let rollout = 100;
  if (rolloutField) {
    const value =
      typeof rolloutField.value === 'string' && /^\d+$/.test(rolloutField.value)
        ? Number(rolloutField.value)
        : rolloutField.value;
    if (!isRolloutPercentage(value))
      reasons.push(
        `${rolloutField.source} must be a whole percentage from 1 to 100, got ${JSON.stringify(rolloutField.value)}`,
      );
    else rollout = value;
  }

  const bundleField = pick('bundleName');
  let bundleName: string | undefined;
  if (bundleField) {
    if (typeof bundleField.value !== 'string' || !FILE_NAME_PATTERN.test(bundleField.value))
      reasons.push(`${bundleField.source} must be a plain file name`);
    else bundleName = bundleField.value;
  }

  const mandatory = readBoolean('mandatory');
  const disabled = readBoolean('disabled');
  if (reasons.length > 0) return { kind: 'invalid', reasons };
  const request = { targetBinaryRange, channel, description, mandatory, rollout, disabled, bundleName };
  return { kind: 'ok', request: runtimeVersion === undefined ? request : { ...request, runtimeVersion } };
}

/**
 * A validated release request as `x-oss-meta-*` values (names without the prefix): what the CLI sends so that
 * uploadBundle reads back exactly this request, whatever the package holds.
 */
export function releaseRequestToMetadata(request: ReleaseRequest): Record<string, string> {
  const metadata: Record<string, string> = {
    ...(request.runtimeVersion === undefined
      ? { [RELEASE_FIELDS.targetBinaryRange.meta]: request.targetBinaryRange }
      : { [RELEASE_FIELDS.runtimeVersion.meta]: request.runtimeVersion }),
    [RELEASE_FIELDS.channel.meta]: request.channel,
    [RELEASE_FIELDS.mandatory.meta]: String(request.mandatory),
    [RELEASE_FIELDS.rollout.meta]: String(request.rollout),
    [RELEASE_FIELDS.disabled.meta]: String(request.disabled),
  };
  if (request.description !== '') metadata[RELEASE_FIELDS.description.meta] = request.description;
  if (request.bundleName !== undefined) metadata[RELEASE_FIELDS.bundleName.meta] = request.bundleName;
  return metadata;
}

/** The bundle file a release must contain: the configured name, else the platform's React Native default. */
export function expectedBundleName(platform: 'ios' | 'android', configured: string | undefined): string {
  return configured ?? (platform === 'ios' ? 'main.jsbundle' : 'index.android.bundle');
}
