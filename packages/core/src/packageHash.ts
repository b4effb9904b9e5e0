import { sha256Hex } from './sha256Hex';

/** One file of a package: its `/`-separated path from the package root and the SHA-256 of its bytes. */
export interface PackageFile {
  path: string;
  sha256: string;
}

/**
 * Files the CodePush clients leave out of the package hash (docs/protocols/codepush.md §5):
 * anything under `__MACOSX/`, `.DS_Store` and `.codepushrelease` at any depth.
 */
export function isIgnoredForPackageHash(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return path.startsWith('__MACOSX/') || name === '.DS_Store' || isCodePushSignature(path);
}

/** The file name of a CodePush release signature. */
export const CODEPUSH_SIGNATURE_FILE = '.codepushrelease';

/**
 * Whether a package path is a CodePush release signature (`.codepushrelease` at any depth; the clients read
 * `CodePush/.codepushrelease`). Out of the package hash, yet part of the stored package and of every diff
 * towards it.
 */
export function isCodePushSignature(path: string): boolean {
  return path === CODEPUSH_SIGNATURE_FILE || path.endsWith(`/${CODEPUSH_SIGNATURE_FILE}`);
}

/**
 * The CodePush package hash the stock clients verify: each file (directory entries never reach here) as
 * `path:sha256`, ignored files dropped, sorted with plain string order, SHA-256 of the JSON array.
 */
export function computePackageHash(files: readonly PackageFile[]): string {
  const entries = files
    .filter((file) => !isIgnoredForPackageHash(file.path))
    .map((file) => `${file.path}:${file.sha256}`);
  entries.sort();
  return sha256Hex(JSON.stringify(entries));
}
