/** Platforms a release can target. */
export const PLATFORMS = ['ios', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * App, channel and other names that become part of storage keys: ASCII letters, digits, `.`, `_`, `-`,
 * starting with a letter or digit, at most 64 characters. No `/`, no `..`, nothing to encode.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A plain file name (an upload's file name, a release's bundle name): ASCII letters, digits, `.`, `_`, `-`,
 * starting with a letter or digit, at most 128 characters.
 */
export const FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type NameKind = 'app' | 'channel' | 'platform';

/** Why a name is unacceptable, or undefined when it is fine. */
export function nameProblem(kind: NameKind, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `${kind} is missing`;
  if (kind === 'platform') {
    return (PLATFORMS as readonly string[]).includes(value)
      ? undefined
      : `platform ${JSON.stringify(value)} is not one of ${PLATFORMS.join(', ')}`;
  }
  if (!NAME_PATTERN.test(value) || value.includes('..')) {
    return `${kind} name ${JSON.stringify(value)} is invalid: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`;
  }
  return undefined;
}
