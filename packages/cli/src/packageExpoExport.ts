import { createWriteStream, lstatSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  EXPO_APP_CONFIG_FILE,
  EXPO_METADATA_FILE,
  parseExpoAppConfig,
  parseExpoMetadata,
  PLATFORMS,
  type ExpoExportMetadata,
  type Platform,
} from '@hotpatch/core';
import yazl from 'yazl';
import { CliError } from './CliError';
import type { PackagedRelease } from './packageRelease';

/** An `npx expo export` output folder, checked: what it was exported for, and the app config to ship with it. */
export interface ExpoExport {
  folder: string;
  metadata: ExpoExportMetadata;
  /** The app config file's bytes (`--expo-config`), when given: uploaded as `app.json` at the zip root. */
  appConfig: Buffer | undefined;
}

function readJsonFile(file: string, what: string): { bytes: Buffer; json: unknown } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new CliError(`${file} does not exist: ${what}`);
  }
  try {
    return { bytes, json: JSON.parse(bytes.toString('utf8')) };
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads and checks an export folder before anything is uploaded, by the rules uploadBundle applies (core's
 * `parseExpoMetadata`): `metadata.json`'s shape, and every file it names present as a regular file in the folder.
 */
export function readExpoExport(folder: string, expoConfig: string | undefined): ExpoExport {
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new CliError(`${folder} is not a folder: give the output folder of npx expo export (e.g. ./dist)`);
  const metadataFile = path.join(folder, EXPO_METADATA_FILE);
  const parsed = parseExpoMetadata(readJsonFile(metadataFile, 'is this the output of npx expo export?').json);
  if (parsed.kind !== 'ok') throw new CliError(`${metadataFile} is not an Expo export's`, { details: parsed.reasons });
  for (const files of Object.values(parsed.metadata)) {
    for (const relative of [files.bundle, ...files.assets.map((asset) => asset.path)]) {
      const stats = lstatSync(path.join(folder, relative), { throwIfNoEntry: false });
      if (!stats?.isFile())
        throw new CliError(
          `${path.join(folder, relative)}, named by ${EXPO_METADATA_FILE}, ${stats ? 'is not a regular file' : 'is missing'}`,
        );
    }
  }
  let appConfig: Buffer | undefined;
  if (expoConfig !== undefined) {
    const { bytes, json } = readJsonFile(expoConfig, 'give the app config (app.json) with --expo-config');
    const config = parseExpoAppConfig(json);
    if (config.kind !== 'ok') throw new CliError(`${expoConfig}: ${config.reasons.join('; ')}`);
    appConfig = bytes;
  }
  return { folder, metadata: parsed.metadata, appConfig };
}

/** The platforms to release: `all` is every platform the export has; a named one must be in it. */
export function expoPlatforms(exported: ExpoExport, platform: string): Platform[] {
  const available = PLATFORMS.filter((candidate) => exported.metadata[candidate]);
  if (platform === 'all') return available;
  if (!(PLATFORMS as readonly string[]).includes(platform))
    throw new CliError(`--platform must be ios, android or all, got ${JSON.stringify(platform)}`, { exitCode: 2 });
  if (!available.includes(platform as Platform))
    throw new CliError(
      `${path.join(exported.folder, EXPO_METADATA_FILE)} has no ${platform} export (it has ${available.join(', ')})`,
    );
  return [platform as Platform];
}

/**
 * One platform's upload: a zip of `metadata.json`, that platform's bundle and assets (paths as in the export,
 * from the zip root) and the app config as `app.json`. uploadBundle stores each file by its content.
 */
export async function packageExpoPlatform(exported: ExpoExport, platform: Platform): Promise<PackagedRelease> {
  const files = exported.metadata[platform]!;
  const folder = mkdtempSync(path.join(tmpdir(), 'hotpatch-expo-'));
  const file = path.join(folder, `expo-${platform}.zip`);
  const zip = new yazl.ZipFile();
  const entries = new Set([EXPO_METADATA_FILE, files.bundle, ...files.assets.map((asset) => asset.path)]);
  for (const relative of entries) zip.addFile(path.join(exported.folder, relative), relative);
  if (exported.appConfig) zip.addBuffer(exported.appConfig, EXPO_APP_CONFIG_FILE);
  zip.end();
  await new Promise<void>((resolve, reject) =>
    zip.outputStream.pipe(createWriteStream(file)).on('finish', resolve).on('error', reject),
  );
  return {
    file,
    extension: '.zip',
    size: statSync(file).size,
    settings: undefined,
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
