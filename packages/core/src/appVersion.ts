import semver from 'semver';

/**
 * A binary version as apps report it, made a full semver: `1.2` → `1.2.0`, `3` → `3.0.0` (iOS short
 * versions often have two parts; CodePush normalises the same way). Returns null when it is not a version.
 */
export function normalizeAppVersion(raw: string): semver.SemVer | null {
  const trimmed = raw.trim();
  const padded = /^\d+$/.test(trimmed)
    ? `${trimmed}.0.0`
    : /^\d+\.\d+([-+].*)?$/.test(trimmed)
      ? trimmed.replace(/^(\d+\.\d+)/, '$1.0')
      : trimmed;
  return semver.parse(padded);
}
