/**
 * The native check API's answer (`GET /v1/check`), built by getLatestBundle and read by the CLI's `check`
 * command (which imports it from here rather than copying it).
 */

/** The release as the native API describes it to an app. */
export interface CheckRelease {
  label: string;
  /** The package hash: CodePush's for a zip, SHA-256 of the file for a single bundle. */
  hash: string;
  /** The release's own stored object: exactly `size` bytes whose SHA-256 is `sha256`. */
  url: string;
  size: number;
  mandatory: boolean;
  description: string;
  /** `zip` (unzip it; the bundle is at `bundlePath`) or `bundle` (the file is the bundle). */
  kind: 'zip' | 'bundle';
  bundlePath: string;
  /** SHA-256 of the downloaded bytes: verify it before unpacking. */
  sha256: string;
  /** Whether the package carries a CodePush `.codepushrelease` signature. */
  signed: boolean;
  /**
   * Present when the bundle the device runs (its `bundleHash`, or its registered store build) has a stored
   * patch to this release's bundle: download it instead of `url`, apply it to the running bundle file, and
   * check the result against `bundleSha256` (docs/check-api.md, "Binary patches"). Absent: download `url`.
   */
  patch?: CheckPatch;
}

/** A BSDIFF40 patch from the device's running bundle file to the release's bundle file. */
export interface CheckPatch {
  url: string;
  size: number;
  algorithm: 'bsdiff40';
  /** SHA-256 of the bundle file the patch applies to: the device checks its own before applying. */
  fromHash: string;
  /** SHA-256 of the bundle file the patch rebuilds (the file at `bundlePath`): verify it before using it. */
  bundleSha256: string;
}

/** The body of a 200 answer to `GET /v1/check`. */
export type CheckResponse =
  | { status: 'update'; release: CheckRelease }
  | { status: 'upToDate'; binaryUpdateNeeded?: { targetBinaryRange: string } }
  | { status: 'rollback'; release: CheckRelease | null };
