import { isIP } from 'node:net';
import {
  ConfigError,
  createEnvReader,
  MANAGEMENT_KEY_ID,
  MIN_APP_SECRET_LENGTH,
  type Env,
  type OssCredentials,
} from '@hotpatch/common';

/** The key pair the local OSS server accepts when none is configured: for a developer machine only. */
export const DEV_CREDENTIALS: OssCredentials = {
  accessKeyId: 'hotpatch-dev-key-id',
  accessKeySecret: 'hotpatch-dev-key-secret',
};

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
  /** Bind address of both servers. */
  host: string;
  /** The host or IP devices use; absent: derived from `host`. */
  publicHost?: string;
  /** The environment the function settings (`HOTPATCH_*`) are passed through from. */
  settingsEnv: Env;
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** A host name, an IPv4 address or an IPv6 address (brackets optional), without port: what a URL's host may be. */
function isHost(value: string): boolean {
  return HOST_NAME.test(value) || isIP(value.replace(/^\[(.*)\]$/, '$1')) === 6;
}

/** `HOTPATCH_PUBLIC_URL`: a host or IP, optionally written as `http://host`; the stack adds its own ports. */
function parsePublicHost(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const host = value.replace(/^http:\/\//i, '').replace(/\/$/, '');
  if (!isHost(host))
    throw new ConfigError(
      'HOTPATCH_PUBLIC_URL',
      `expected the host name or IP devices reach this machine by, like 10.0.2.2 (no port or path: the stack adds its ports), got ${JSON.stringify(value)}`,
    );
  return host;
}

/** `demo:ios,android;shop:android` → apps and their platforms. */
function parseApps(value: string): { name: string; platforms: string[] }[] {
  if (value.trim() === '' || value === 'none') return [];
  return value.split(';').map((item) => {
    const [name, platforms] = item.split(':');
    if (!name || !platforms)
      throw new ConfigError('HOTPATCH_APPS', `expected app:platform,platform;…, got ${JSON.stringify(item)}`);
    return { name: name.trim(), platforms: platforms.split(',').map((platform) => platform.trim()) };
  });
}

/**
 * `npm start`'s settings: `HOTPATCH_DATA_DIR` (default ./.hotpatch), `HOTPATCH_PORT` (API front, 3000),
 * `HOTPATCH_OSS_PORT` (OSS server, 3001), `HOTPATCH_OSS_BUCKET` (hotpatch), and the key pair the OSS server
 * accepts, `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (documented dev defaults), and
 * `HOTPATCH_APPS`, apps to register at start when missing (default `demo:ios,android`; `none` for none),
 * `HOTPATCH_APP_KEY` / `HOTPATCH_APP_SECRET`, the app key pair publishBundle accepts (documented dev defaults),
 * `HOTPATCH_HOST`, the bind address (default `127.0.0.1`), and `HOTPATCH_PUBLIC_URL`, the host devices use.
 * Every other `HOTPATCH_*` variable is a function setting, passed through by the stack.
 */
export function loadLocalStackSettings(env: Env): LocalStackSettings {
  const read = createEnvReader(env);
  const accessKeyId = read.optionalString('ALIBABA_CLOUD_ACCESS_KEY_ID');
  const accessKeySecret = read.optionalString('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  if ((accessKeyId === undefined) !== (accessKeySecret === undefined)) {
    read.string(accessKeyId === undefined ? 'ALIBABA_CLOUD_ACCESS_KEY_ID' : 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', {
      hint: 'set both of the key pair, or neither for the dev defaults',
    });
  }
  const host = read.string('HOTPATCH_HOST', { fallback: '127.0.0.1' });
  if (!isHost(host))
    throw new ConfigError(
      'HOTPATCH_HOST',
      `expected an address to listen on, like 127.0.0.1 or 0.0.0.0, got ${JSON.stringify(host)}`,
    );
  const publicHost = parsePublicHost(read.optionalString('HOTPATCH_PUBLIC_URL'));
  return {
    dataDir: read.string('HOTPATCH_DATA_DIR', { fallback: './.hotpatch' }),
    port: read.integer('HOTPATCH_PORT', { fallback: 3000, min: 0, max: 65535 }),
    ossPort: read.integer('HOTPATCH_OSS_PORT', { fallback: 3001, min: 0, max: 65535 }),
    bucket: read.string('HOTPATCH_OSS_BUCKET', {
      fallback: 'hotpatch',
      pattern: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      hint: 'an OSS bucket name',
    }),
    credentials: accessKeyId && accessKeySecret ? { accessKeyId, accessKeySecret } : DEV_CREDENTIALS,
    usingDevCredentials: !(accessKeyId && accessKeySecret),
    host,
    ...(publicHost === undefined ? {} : { publicHost }),
    settingsEnv: env,
    apps: parseApps(read.string('HOTPATCH_APPS', { fallback: 'demo:ios,android' })),
    appKey: {
      key: read.string('HOTPATCH_APP_KEY', {
        fallback: DEV_APP_KEY.key,
        pattern: MANAGEMENT_KEY_ID,
        hint: '4-64 letters, digits, "_" or "-"',
      }),
      secret: read.string('HOTPATCH_APP_SECRET', {
        fallback: DEV_APP_KEY.secret,
        pattern: new RegExp(`^.{${MIN_APP_SECRET_LENGTH},}$`),
        hint: `at least ${MIN_APP_SECRET_LENGTH} characters`,
      }),
    },
  };
}
