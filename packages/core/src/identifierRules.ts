/**
 * Rules for identifiers that arrive from devices and from publishers and must agree on both sides: one
 * definition each, so a value the publishing side accepts is one the serving side can match (a build registered
 * with a runtime version a device can never send would be accepted and never used).
 */

/** The longest runtime version accepted: it is an exact string devices send in a header. */
export const MAX_RUNTIME_VERSION_LENGTH = 255;

/**
 * Why a runtime version is unacceptable, or undefined. Devices send it in a header and it is matched exactly:
 * printable ASCII keeps it loggable and safe in keys of memory maps, and a header value has no leading or
 * trailing spaces (HTTP trims them), so a version with them could never match.
 */
export function runtimeVersionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'runtime version is missing';
  if (value.length > MAX_RUNTIME_VERSION_LENGTH || !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value))
    return `runtime version ${JSON.stringify(value)} must be 1-${MAX_RUNTIME_VERSION_LENGTH} printable ASCII characters without leading or trailing spaces`;
  return undefined;
}

/** An update id (Expo's `id`, `expo-current-update-id`, an embedded update id): a UUID, compared in lower case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A device's id (`clientId` of `/v1/check`, `eas-client-id`): 1–128 printable ASCII characters, no spaces. */
export const CLIENT_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
