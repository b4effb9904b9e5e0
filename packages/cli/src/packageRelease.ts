import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUNDLE_FILE_EXTENSIONS } from '@hotpatch/core';
import yazl from 'yazl';
import { CliError } from './CliError';
import { signRelease, SIGNED_ROOT } from './signRelease';

export interface PackagedRelease {
  file: string;
  /** `.zip`, or the bundle file's own extension. */
  extension: string;
  size: number;
  remove(): void;
}

function filesUnder(directory: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(directory, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...filesUnder(directory, relative));
    else if (entry.isFile()) found.push(relative);
    else throw new CliError(`${path.join(directory, relative)} is neither a file nor a folder (links are not released)`);
  }
  return found.sort();
}

/**
 * A release's upload: a folder is zipped with its own name as the root folder (as `react-native bundle` output
 * in ./CodePush becomes CodePush/…), a zip or a single bundle file is sent as it is.
 */
export async function packageRelease(target: string, options: { privateKey?: string } = {}): Promise<PackagedRelease> {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    throw new CliError(`${target} does not exist`);
  }
  if (stats.isFile() && options.privateKey) throw new CliError(`--private-key signs folder releases only: give the ${SIGNED_ROOT} folder, not ${path.basename(target)}`);
  if (stats.isFile()) {
    const extension = path.extname(target).toLowerCase();
    if (extension !== '.zip' && !(BUNDLE_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
      throw new CliError(`${target} is not a folder, a .zip or a bundle file (${BUNDLE_FILE_EXTENSIONS.join(', ')})`);
    }
    return { file: target, extension, size: stats.size, remove: () => undefined };
  }
  if (!stats.isDirectory()) throw new CliError(`${target} is not a folder, a .zip or a bundle file`);
  // An old signature in the folder is replaced, never shipped alongside a new one.
  const files = filesUnder(target).filter((relative) => !(options.privateKey && relative === '.codepushrelease'));
  if (files.length === 0) throw new CliError(`${target} is empty`);
  const root = path.basename(path.resolve(target));
  if (options.privateKey && root !== SIGNED_ROOT) throw new CliError(`signed releases must be a folder named ${SIGNED_ROOT} (the app reads ${SIGNED_ROOT}/.codepushrelease), not ${root}`);
  const signature = options.privateKey ? signRelease(target, files, options.privateKey).jwt : undefined;
  const folder = mkdtempSync(path.join(tmpdir(), 'hotpatch-release-'));
  const file = path.join(folder, `${root}.zip`);
  const zip = new yazl.ZipFile();
  for (const relative of files) zip.addFile(path.join(target, relative), `${root}/${relative}`);
  if (signature) zip.addBuffer(Buffer.from(signature), `${root}/.codepushrelease`);
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(file)).on('finish', resolve).on('error', reject));
  return { file, extension: '.zip', size: statSync(file).size, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
