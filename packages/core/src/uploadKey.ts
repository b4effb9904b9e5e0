import { FILE_NAME_PATTERN, nameProblem, type Platform } from './names';
import { refuse, type Refusal } from './refusal';

/** File names a release candidate may have: a zip, or a single JS bundle (plain or Hermes bytecode). */
export const BUNDLE_FILE_EXTENSIONS = ['.js', '.bundle', '.jsbundle', '.hbc'] as const;

export type UploadKind = 'zip' | 'bundle';

export type ParsedUploadKey =
  | { kind: 'ok'; app: string; platform: Platform; fileName: string; format: UploadKind; uploadPath: string }
  | Refusal<'invalid'>;

/**
 * Reads `<prefix><app>/<platform>/<name>.zip` (or a bundle file name) into its parts. Only plain ASCII
 * names are accepted, so an OSS event key never needs decoding.
 */
export function parseUploadKey(key: string, prefix: string): ParsedUploadKey {
  const expected = `expected ${prefix}<app>/<platform>/<name>.zip (or .js, .bundle, .jsbundle, .hbc)`;
  if (!key.startsWith(prefix))
    return refuse('invalid', `upload key ${JSON.stringify(key)} is outside the upload prefix ${prefix}`);
  const uploadPath = key.slice(prefix.length);
  const parts = uploadPath.split('/');
  if (parts.length !== 3)
    return refuse('invalid', `upload key ${JSON.stringify(key)} does not match the upload pattern: ${expected}`);
  const [app, platform, fileName] = parts as [string, string, string];
  const problem = nameProblem('app', app) ?? nameProblem('platform', platform);
  if (problem) return refuse('invalid', `upload key ${JSON.stringify(key)}: ${problem}`);
  if (!FILE_NAME_PATTERN.test(fileName) || fileName.includes('..'))
    return refuse(
      'invalid',
      `upload key ${JSON.stringify(key)}: file name must be ASCII letters, digits, ".", "_" or "-"`,
    );
  const lower = fileName.toLowerCase();
  const format: UploadKind | undefined = lower.endsWith('.zip')
    ? 'zip'
    : BUNDLE_FILE_EXTENSIONS.some((extension) => lower.endsWith(extension))
      ? 'bundle'
      : undefined;
  if (!format)
    return refuse('invalid', `upload key ${JSON.stringify(key)} does not match the upload pattern: ${expected}`);
  return { kind: 'ok', app, platform: platform as Platform, fileName, format, uploadPath };
}
