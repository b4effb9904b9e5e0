import { ConfigError, createEnvReader, type Env, type OssCredentials } from '@hotpatch/common';

/** The key pair the local OSS server accepts when none is configured: for a developer machine only. */
export const DEV_CREDENTIALS: OssCredentials = { accessKeyId: 'hotpatch-dev-key-id', accessKeySecret: 'hotpatch-dev-key-secret' };

/** The API Gateway app key pair publishBundle accepts when none is configured: for a developer machine only. */
export const DEV_APP_KEY = { key: 'hotpatch-dev-app-key', secret: 'hotpatch-dev-app-secret' };

export interface LocalStackSettings {
  dataDir: string;
  port: number;
  ossPort: number;
  bucket: string;
  credentials: OssCredentials;
  usingDevCredentials: boolean;
  appKey: { key: string; secret: string };
  /** Apps registered at start when missing: name and platforms. */
  apps: { name: string; platforms: string[] }[];
}

/** `demo:ios,android;shop:android` → apps and their platforms. */
function parseApps(value: string): { name: string; platforms: string[] }[] {
  if (value.trim() === '' || value === 'none') return [];
  return value.split(';').map((item) => {
    const [name, platforms] = item.split(':');
    if (!name || !platforms) throw new ConfigError('HOTPATCH_APPS', `expected app:platform,platform;…, got ${JSON.stringify(item)}`);
    return { name: name.trim(), platforms: platforms.split(',').map((platform) => platform.trim()) };
  });
}

/**
 * `npm start`'s settings: `HOTPATCH_DATA_DIR` (default ./.hotpatch), `HOTPATCH_PORT` (API front, 3000),
 * `HOTPATCH_OSS_PORT` (OSS server, 3001), `HOTPATCH_OSS_BUCKET` (hotpatch), and the key pair the OSS server
 * accepts, `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (documented dev defaults), and
 * `HOTPATCH_APPS`, apps to register at start when missing (default `demo:ios,android`; `none` for none), and
 * `HOTPATCH_APP_KEY` / `HOTPATCH_APP_SECRET`, the app key pair publishBundle accepts (documented dev defaults).
 */
export function loadLocalStackSettings(env: Env): LocalStackSettings {
  const read = createEnvReader(env);
  const accessKeyId = read.optionalString('ALIBABA_CLOUD_ACCESS_KEY_ID');
  const accessKeySecret = read.optionalString('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  if ((accessKeyId === undefined) !== (accessKeySecret === undefined)) {
    read.string(accessKeyId === undefined ? 'ALIBABA_CLOUD_ACCESS_KEY_ID' : 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', { hint: 'set both of the key pair, or neither for the dev defaults' });
  }
  return {
    dataDir: read.string('HOTPATCH_DATA_DIR', { fallback: './.hotpatch' }),
    port: read.integer('HOTPATCH_PORT', { fallback: 3000, min: 0, max: 65535 }),
    ossPort: read.integer('HOTPATCH_OSS_PORT', { fallback: 3001, min: 0, max: 65535 }),
    bucket: read.string('HOTPATCH_OSS_BUCKET', { fallback: 'hotpatch', pattern: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, hint: 'an OSS bucket name' }),
    credentials: accessKeyId && accessKeySecret ? { accessKeyId, accessKeySecret } : DEV_CREDENTIALS,
    usingDevCredentials: !(accessKeyId && accessKeySecret),
    apps: parseApps(read.string('HOTPATCH_APPS', { fallback: 'demo:ios,android' })),
    appKey: {
      key: read.string('HOTPATCH_APP_KEY', { fallback: DEV_APP_KEY.key, pattern: /^[A-Za-z0-9_-]{4,64}$/, hint: '4-64 letters, digits, "_" or "-"' }),
      secret: read.string('HOTPATCH_APP_SECRET', { fallback: DEV_APP_KEY.secret, pattern: /^.{16,}$/, hint: 'at least 16 characters' }),
    },
  };
}
