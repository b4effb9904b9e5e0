import { BadRequestError } from '@hotpatch/common';
import {
  CLIENT_ID_PATTERN,
  MAX_PARAMETER_LENGTH,
  nameProblem,
  normalizeAppVersion,
  type DeploymentRef,
  type Platform,
  type UpdateRequest,
} from '@hotpatch/core';

export interface CheckRequest {
  deployment: DeploymentRef;
  update: UpdateRequest;
}

const PACKAGE_HASH = /^[0-9a-f]{64}$/;

/**
 * Validates `GET /v1/check`'s query without touching storage: `app`, `platform`, `channel`, `appVersion`
 * required; `bundleHash` (64 lower-case hex, or empty for the embedded bundle) and `clientId` optional.
 * Every refusal is a 400 naming the parameter.
 */
export function parseCheckRequest(query: Record<string, string>): CheckRequest {
  for (const [name, value] of Object.entries(query)) {
    if (value.length > MAX_PARAMETER_LENGTH)
      throw new BadRequestError(`${name} is longer than ${MAX_PARAMETER_LENGTH} characters`, name);
  }
  for (const kind of ['app', 'platform', 'channel'] as const) {
    const problem = nameProblem(kind, query[kind]);
    if (problem) throw new BadRequestError(problem, kind);
  }
  const rawVersion = query.appVersion;
  if (!rawVersion) throw new BadRequestError('appVersion is missing', 'appVersion');
  const appVersion = normalizeAppVersion(rawVersion);
  if (!appVersion)
    throw new BadRequestError(`appVersion ${JSON.stringify(rawVersion)} is not a semantic version`, 'appVersion');
  const bundleHash = query.bundleHash || undefined;
  if (bundleHash !== undefined && !PACKAGE_HASH.test(bundleHash))
    throw new BadRequestError(
      'bundleHash must be 64 lower-case hex characters (a package hash), or empty for the embedded bundle',
      'bundleHash',
    );
  const clientId = query.clientId || undefined;
  if (clientId !== undefined && !CLIENT_ID_PATTERN.test(clientId))
    throw new BadRequestError('clientId must be 1-128 printable ASCII characters without spaces', 'clientId');
  return {
    deployment: { app: query.app!, platform: query.platform as Platform, channel: query.channel! },
    update: { appVersion, bundleHash, clientId },
  };
}
