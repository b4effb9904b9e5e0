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
}

/** The body of a 200 answer to `GET /v1/check`. */
export type CheckResponse =
  | { status: 'update'; release: CheckRelease }
  | { status: 'upToDate'; binaryUpdateNeeded?: { targetBinaryRange: string } }
  | { status: 'rollback'; release: CheckRelease | null };
