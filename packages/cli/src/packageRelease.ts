import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUNDLE_FILE_EXTENSIONS, CODEPUSH_SIGNATURE_FILE, RELEASE_SETTINGS_FILE } from '@hotpatch/core';
import yazl from 'yazl';
import { CliError } from './CliError';
import { signRelease, SIGNED_ROOT } from './signRelease';

export interface PackagedRelease {
  file: string;
  /** `.zip`, or the bundle file's own extension. */
  extension: string;
  size: number;
  /** The released folder's `hotpatch.json` (left out of the package), when it has one. */
  settings: Record<string, unknown> | undefined;
  remove(): void;
}

/** A folder's release settings: they configure the release and are not shipped to devices. */
function readFolderSettings(folder: string, files: string[]): Record<string, unknown> | undefined {
  if (!files.includes(RELEASE_SETTINGS_FILE)) return undefined;
  const file = path.join(folder, RELEASE_SETTINGS_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliError(`${file} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

function filesUnder(directory: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(directory, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...filesUnder(directory, relative));
    else if (entry.isFile()) found.push(relative);
    else
      throw new CliError(`${path.join(directory, relative)} is neither a file nor a folder (links are not released)`);
  }
  return found.sort();
}

/**
 * A release's upload: a folder is zipped with its own name as the root folder (as `react-native bundle` output
 * in ./CodePush becomes CodePush/…), a zip or a single bundle file is sent as it is. A folder's `hotpatch.json`
 * is returned as settings and left out of the zip.
 */
export async function packageRelease(target: string, options: { privateKey?: string } = {}): Promise<PackagedRelease> {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    throw new CliError(`${target} does not exist`);
  }
  if (stats.isFile() && options.privateKey)
    throw new CliError(
      `--private-key signs folder releases only: give the ${SIGNED_ROOT} folder, not ${path.basename(target)}`,
    );
  if (stats.isFile()) {
    const extension = path.extname(target).toLowerCase();
    if (extension !== '.zip' && !(BUNDLE_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
      throw new CliError(`${target} is not a folder, a .zip or a bundle file (${BUNDLE_FILE_EXTENSIONS.join(', ')})`);
    }
    return { file: target, extension, size: stats.size, settings: undefined, remove: () => undefined };
  }
  if (!stats.isDirectory()) throw new CliError(`${target} is not a folder, a .zip or a bundle file`);
  const found = filesUnder(target);
  const settings = readFolderSettings(target, found);
  // An old signature in the folder is replaced, never shipped alongside a new one; the settings stay behind.
  const files = found.filter(
    (relative) => relative !== RELEASE_SETTINGS_FILE && !(options.privateKey && relative === CODEPUSH_SIGNATURE_FILE),
  );
  if (files.length === 0) throw new CliError(`${target} is empty`);
  const root = path.basename(path.resolve(target));
  if (options.privateKey && root !== SIGNED_ROOT)
    throw new CliError(
      `signed releases must be a folder named ${SIGNED_ROOT} (the app reads ${SIGNED_ROOT}/.codepushrelease), not ${root}`,
    );
  const signature = options.privateKey ? signRelease(target, files, options.privateKey).jwt : undefined;
  const folder = mkdtempSync(path.join(tmpdir(), 'hotpatch-release-'));
  const file = path.join(folder, `${root}.zip`);
  const zip = new yazl.ZipFile();
  for (const relative of files) zip.addFile(path.join(target, relative), `${root}/${relative}`);
  if (signature) zip.addBuffer(Buffer.from(signature), `${root}/${CODEPUSH_SIGNATURE_FILE}`);
  zip.end();
  await new Promise<void>((resolve, reject) =>
    zip.outputStream.pipe(createWriteStream(file)).on('finish', resolve).on('error', reject),
  );
  return {
    file,
    extension: '.zip',
    size: statSync(file).size,
    settings,
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
