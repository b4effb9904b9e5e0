import semver from 'semver';
import { normalizeAppVersion } from './appVersion';
import type { PreparedCatalog } from './prepareCatalog';
import type { Release } from './releaseLog';
import { refuse, type Refusal } from './refusal';
import { isInRollout } from './rolloutCohort';

/** Deployment keys as CodePush validates them: 10–100 of `[A-Za-z0-9_-]` (never `:`, the client splits on it). */
export const CODEPUSH_DEPLOYMENT_KEY = /^[A-Za-z0-9_-]{10,100}$/;

/** An update check as the CodePush SDKs send it, in either dialect's casing. */
export interface CodePushCheckRequest {
  deploymentKey: string;
  /** The `app_version` string exactly as sent: echoed back (docs/protocols/codepush.md §2.4). */
  appVersionRaw: string;
  appVersion: semver.SemVer;
  packageHash: string | undefined;
  label: string | undefined;
  clientUniqueId: string | undefined;
  isCompanion: boolean;
}

/** The longest value any public query parameter may have (`/v1/check` and CodePush checks); longer is a 400. */
export const MAX_PARAMETER_LENGTH = 256;

export type ParsedCodePushCheck = { kind: 'ok'; request: CodePushCheckRequest } | Refusal<'invalid'>;

/** Reads a parameter in snake_case or camelCase; empty means absent (old clients send `label=`). */
export function codePushParameter(source: Record<string, unknown>, snake: string): string | undefined {
  const camel = snake.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  const value = source[snake] ?? source[camel];
  if (value === undefined || value === null) return undefined;
  // Query values are strings; a JSON body's other values read as JavaScript prints them, as code-push-server's do.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const text = String(value);
  return text === '' ? undefined : text;
}

/** Validates an update check with microsoft/code-push-server's rules and messages (§2.2). */
export function parseCodePushCheck(query: Record<string, unknown>): ParsedCodePushCheck {
  for (const [name, value] of Object.entries(query)) {
    if (String(value).length > MAX_PARAMETER_LENGTH)
      return refuse('invalid', `${name} is longer than ${MAX_PARAMETER_LENGTH} characters.`);
  }
  const deploymentKey = codePushParameter(query, 'deployment_key')?.trim();
  const appVersionRaw = codePushParameter(query, 'app_version');
  if (!deploymentKey || !CODEPUSH_DEPLOYMENT_KEY.test(deploymentKey)) {
    return refuse(
      'invalid',
      "An update check must include a valid deployment key - please check that your app has been configured correctly. To view available deployment keys, run 'hotpatch app show <app>'.",
    );
  }
  const appVersion = appVersionRaw === undefined ? null : normalizeAppVersion(appVersionRaw);
  if (!appVersionRaw || !appVersion) {
    return refuse(
      'invalid',
      "An update check must include a binary version that conforms to the semver standard (e.g. '1.0.0'). The binary version is normally inferred from the App Store/Play Store version configured with your app.",
    );
  }
  return {
    kind: 'ok',
    request: {
      deploymentKey,
      appVersionRaw,
      appVersion,
      packageHash: codePushParameter(query, 'package_hash'),
      label: codePushParameter(query, 'label'),
      clientUniqueId: codePushParameter(query, 'client_unique_id'),
      isCompanion: codePushParameter(query, 'is_companion')?.toLowerCase() === 'true',
    },
  };
}

export type CodePushDecision =
  | { kind: 'update'; release: Release; mandatory: boolean }
  | { kind: 'noUpdate'; appVersion: string; updateAppVersion: boolean; shouldRunBinaryVersion: boolean };

/**
 * CodePush's selection, variant B (docs/protocols/codepush.md §7.1), with rollouts as in §7.3: a release with a
 * partial rollout is visible to a client only when the client is in its cohort, so clients outside see the
 * last fully rolled-out release. The client's current release is found by label, else by package hash.
 */
export function decideCodePushUpdate(prepared: PreparedCatalog, request: CodePushCheckRequest): CodePushDecision {
  const { releases } = prepared;
  const visible = (release: Release): boolean =>
    !release.disabled && isInRollout(request.clientUniqueId, release.label, release.rollout);
  const satisfies = (index: number): boolean =>
    request.isCompanion || (releases[index]!.range?.test(request.appVersion) ?? false);
  const isCurrent = (release: Release): boolean =>
    request.label !== undefined
      ? release.label === request.label
      : request.packageHash !== undefined && release.packageHash === request.packageHash;

  let found = false;
  let latestEnabled: number | undefined;
  let latestSatisfying: number | undefined;
  let mandatory = false;
  for (let index = releases.length - 1; index >= 0; index -= 1) {
    const { release } = releases[index]!;
    found = found || isCurrent(release);
    if (!visible(release)) continue;
    latestEnabled ??= index;
    if (!satisfies(index)) continue;
    latestSatisfying ??= index;
    if (found) break;
    if (release.mandatory) {
      mandatory = true;
      break;
    }
  }

  const shouldRunBinaryVersion = latestSatisfying === undefined;
  if (latestEnabled === undefined)
    return { kind: 'noUpdate', appVersion: '', updateAppVersion: false, shouldRunBinaryVersion };
  if (shouldRunBinaryVersion || releases[latestSatisfying!]!.release.packageHash === request.packageHash) {
    const { range, release } = releases[latestEnabled]!;
    if (range && semver.gtr(request.appVersion, range))
      return {
        kind: 'noUpdate',
        appVersion: release.targetBinaryRange,
        updateAppVersion: false,
        shouldRunBinaryVersion,
      };
    if (!range || !range.test(request.appVersion))
      return {
        kind: 'noUpdate',
        appVersion: release.targetBinaryRange,
        updateAppVersion: true,
        shouldRunBinaryVersion,
      };
    return { kind: 'noUpdate', appVersion: '', updateAppVersion: false, shouldRunBinaryVersion };
  }
  const release = releases[latestSatisfying!]!.release;
  return { kind: 'update', release, mandatory: mandatory || release.mandatory };
}

/** The camelCase `updateInfo` of the legacy dialect; the new dialect snake-cases it. */
export interface CodePushUpdateInfo {
  downloadURL: string;
  description: string;
  isAvailable: boolean;
  isMandatory: boolean;
  appVersion: string;
  packageHash: string;
  label: string;
  packageSize: number;
  updateAppVersion: boolean;
  shouldRunBinaryVersion: boolean;
  target_binary_range: string;
}

/**
 * The answer body. An available update echoes the client's own `app_version` string as `appVersion` and
 * `target_binary_range` (§2.6): the device applies an update only when that equals its binary version. The
 * download is the diff from the client's package when one exists (§4.3), else the full package.
 */
export function codePushUpdateInfo(
  decision: CodePushDecision,
  request: CodePushCheckRequest,
  downloadUrl: (key: string) => string,
): CodePushUpdateInfo {
  if (decision.kind === 'noUpdate') {
    return {
      downloadURL: '',
      description: '',
      isAvailable: false,
      isMandatory: false,
      appVersion: decision.appVersion,
      packageHash: '',
      label: '',
      packageSize: 0,
      updateAppVersion: decision.updateAppVersion,
      shouldRunBinaryVersion: decision.shouldRunBinaryVersion,
      target_binary_range: decision.appVersion,
    };
  }
  const { release } = decision;
  // The hash comes from the query: only the release's own entries count (never `constructor` and the like).
  const diff =
    request.packageHash !== undefined && release.diffs && Object.hasOwn(release.diffs, request.packageHash)
      ? release.diffs[request.packageHash]
      : undefined;
  return {
    downloadURL: downloadUrl(diff?.contentKey ?? release.contentKey),
    description: release.description,
    isAvailable: true,
    isMandatory: decision.mandatory,
    appVersion: request.appVersionRaw,
    packageHash: release.packageHash,
    label: release.label,
    packageSize: diff?.size ?? release.size,
    updateAppVersion: false,
    shouldRunBinaryVersion: false,
    target_binary_range: request.appVersionRaw,
  };
}

/** microsoft/code-push-server's `convertObjectToSnakeCase` (`downloadURL` → `download_url`). */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
