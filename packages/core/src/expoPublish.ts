import type { ExpoAsset, ExpoUpdate } from './expoUpdate';
import { PLATFORMS, type Platform } from './names';
import { refuse, type Refusal } from './refusal';
import { storageKeys } from './storageKeys';

/**
 * Publishing Expo updates (docs/protocols/expo.md, "Publishing"): reading what `npx expo export` wrote, and
 * turning the files of one platform into the `ExpoUpdate` a release records. Shared by the CLI (which checks an
 * export before uploading it) and uploadBundle (which checks it again and publishes it).
 */

/** The file `npx expo export` writes at the root of its output, listing each platform's bundle and assets. */
export const EXPO_METADATA_FILE = 'metadata.json';
/** The app config at the root of an Expo upload (the CLI's `--expo-config`); its `expo` object is `extra.expoClient`. */
export const EXPO_APP_CONFIG_FILE = 'app.json';
/** The launch asset is JavaScript or Hermes bytecode; either way the manifest declares it so. */
export const EXPO_LAUNCH_ASSET_CONTENT_TYPE = 'application/javascript';

/**
 * Content types by file extension (lower case, without the dot): the one table for what an Expo asset is stored
 * and declared as. Anything not listed is `application/octet-stream`.
 */
const EXPO_CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  js: EXPO_LAUNCH_ASSET_CONTENT_TYPE,
  bundle: EXPO_LAUNCH_ASSET_CONTENT_TYPE,
  hbc: EXPO_LAUNCH_ASSET_CONTENT_TYPE,
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  ttf: 'font/ttf',
  otf: 'font/otf',
  woff: 'font/woff',
  woff2: 'font/woff2',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  html: 'text/html',
  txt: 'text/plain',
  pdf: 'application/pdf',
});

/** The content type an Expo asset with this extension (with or without its dot) is stored and served with. */
export function expoContentType(extension: string): string {
  return EXPO_CONTENT_TYPES[extension.replace(/^\./, '').toLowerCase()] ?? 'application/octet-stream';
}

/** One platform's part of `metadata.json`: the launch bundle and the assets, as paths inside the export. */
export interface ExpoPlatformFiles {
  bundle: string;
  assets: { path: string; ext: string }[];
}

/** What `metadata.json` says, per platform it was exported for. */
export type ExpoExportMetadata = Partial<Record<Platform, ExpoPlatformFiles>>;

/**
 * Why a path named by `metadata.json` is unacceptable: it must stay inside the export (relative, `/`-separated,
 * no `..` or empty segments) and be printable ASCII, as every zip entry uploadBundle accepts.
 */
function exportPathProblem(value: unknown, where: string): string | undefined {
  if (typeof value !== 'string' || value === '') return `${where} must be a non-empty path`;
  const shown = JSON.stringify(value);
  if (!/^[\x21-\x7e]+$/.test(value)) return `${where} ${shown} is not printable ASCII without spaces`;
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || value.includes('\\'))
    return `${where} ${shown} is not a relative path inside the export`;
  if (value.split('/').some((segment) => segment === '..' || segment === '.' || segment === ''))
    return `${where} ${shown} leaves the export or has an empty or "." segment`;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `metadata.json` as `npx expo export` writes it (`{version, bundler: "metro", fileMetadata: {ios?,
 * android?}}`, each platform `{bundle, assets: [{path, ext}]}`), with every problem at once.
 */
export function parseExpoMetadata(json: unknown): { kind: 'ok'; metadata: ExpoExportMetadata } | Refusal<'invalid'> {
  const where = EXPO_METADATA_FILE;
  if (!isObject(json)) return refuse('invalid', `${where} must hold a JSON object`);
  const reasons: string[] = [];
  if (typeof json.version !== 'number') reasons.push(`${where} has no numeric "version"`);
  if (json.bundler !== 'metro')
    reasons.push(`${where} "bundler" is ${JSON.stringify(json.bundler)}, expected "metro" (npx expo export)`);
  if (!isObject(json.fileMetadata)) {
    reasons.push(`${where} has no "fileMetadata" object`);
    return refuse('invalid', ...reasons);
  }
  const metadata: ExpoExportMetadata = {};
  for (const [platform, files] of Object.entries(json.fileMetadata)) {
    // Web exports list `web` too; only the native platforms are updates.
    if (!(PLATFORMS as readonly string[]).includes(platform)) continue;
    const at = `${where} fileMetadata.${platform}`;
    if (!isObject(files)) {
      reasons.push(`${at} must be an object`);
      continue;
    }
    const bundleProblem = exportPathProblem(files.bundle, `${at}.bundle`);
    if (bundleProblem) reasons.push(bundleProblem);
    if (!Array.isArray(files.assets)) {
      reasons.push(`${at}.assets must be an array`);
      continue;
    }
    const assets: ExpoPlatformFiles['assets'] = [];
    files.assets.forEach((asset: unknown, index) => {
      const assetAt = `${at}.assets[${index}]`;
      if (!isObject(asset)) return void reasons.push(`${assetAt} must be an object with path and ext`);
      const problem = exportPathProblem(asset.path, `${assetAt}.path`);
      if (problem) reasons.push(problem);
      if (typeof asset.ext !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(asset.ext))
        reasons.push(`${assetAt}.ext must be a file extension such as "png", got ${JSON.stringify(asset.ext)}`);
      if (!problem && typeof asset.ext === 'string') assets.push({ path: asset.path as string, ext: asset.ext });
    });
    if (!bundleProblem) metadata[platform as Platform] = { bundle: files.bundle as string, assets };
  }
  if (reasons.length === 0 && Object.keys(metadata).length === 0)
    reasons.push(`${where} lists no ios or android export in fileMetadata`);
  return reasons.length > 0 ? refuse('invalid', ...reasons) : { kind: 'ok', metadata };
}

/** Reads an app config (`app.json`): its `expo` object, which becomes the manifest's `extra.expoClient`. */
export function parseExpoAppConfig(json: unknown): { kind: 'ok'; expo: Record<string, unknown> } | Refusal<'invalid'> {
  if (!isObject(json) || !isObject(json.expo))
    return refuse('invalid', `${EXPO_APP_CONFIG_FILE} must hold a JSON object with an "expo" object (the app config)`);
  return { kind: 'ok', expo: json.expo };
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The manifest's asset `hash`: base64url, unpadded, of the digest given as hex (core has no Buffer). */
export function hexToBase64Url(hex: string): string {
  const bytes = hex.match(/../g)!.map((pair) => parseInt(pair, 16));
  let out = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const [a, b, c] = [bytes[index]!, bytes[index + 1], bytes[index + 2]];
    const word = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64URL[(word >> 18) & 63]! + BASE64URL[(word >> 12) & 63]!;
    if (b !== undefined) out += BASE64URL[(word >> 6) & 63]!;
    if (c !== undefined) out += BASE64URL[word & 63]!;
  }
  return out;
}

/** One file of the export as uploadBundle found it: its path in the export, the SHA-256 hex of its bytes, its size. */
export interface ExpoExportFile {
  path: string;
  sha256: string;
  size: number;
}

/** The file name without folders and without its last extension: what `expo export` named it by (a hash). */
function keyOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * The `ExpoUpdate` a release of one platform's export records. Pure: the caller supplies the id (a fresh
 * lowercase UUID) and the file hashes; assets listed twice in the export are stored and declared once.
 */
export function buildExpoUpdate(input: {
  id: string;
  runtimeVersion: string;
  launch: ExpoExportFile;
  assets: (ExpoExportFile & { ext: string })[];
  metadata?: Record<string, string>;
  expoClient?: Record<string, unknown>;
}): ExpoUpdate {
  const asset = (file: ExpoExportFile, contentType: string, fileExtension: string): ExpoAsset => ({
    contentKey: storageKeys.expoAsset(file.sha256),
    hash: hexToBase64Url(file.sha256),
    key: keyOf(file.path),
    contentType,
    fileExtension,
    size: file.size,
  });
  const seen = new Set<string>();
  const assets: ExpoAsset[] = [];
  for (const file of input.assets) {
    if (seen.has(file.path)) continue;
    seen.add(file.path);
    assets.push(asset(file, expoContentType(file.ext), `.${file.ext}`));
  }
  return {
    id: input.id.toLowerCase(),
    runtimeVersion: input.runtimeVersion,
    launchAsset: asset(
      input.launch,
      EXPO_LAUNCH_ASSET_CONTENT_TYPE,
      input.launch.path.toLowerCase().endsWith('.hbc') ? '.hbc' : '.bundle',
    ),
    assets,
    metadata: input.metadata ?? {},
    extra: input.expoClient ? { expoClient: input.expoClient } : {},
  };
}

/**
 * Whether two Expo updates hold the same content for the same runtime version: the same launch asset and the
 * same set of assets (by hash). Ids, metadata and app config do not count: republishing identical bytes is
 * refused as CodePush releases with an identical package are.
 */
export function sameExpoContent(a: ExpoUpdate, b: ExpoUpdate): boolean {
  if (a.runtimeVersion !== b.runtimeVersion || a.launchAsset.hash !== b.launchAsset.hash) return false;
  const hashes = (update: ExpoUpdate): string => [...new Set(update.assets.map((asset) => asset.hash))].sort().join();
  return hashes(a) === hashes(b);
}
