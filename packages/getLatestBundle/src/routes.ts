import type { RouteDeclaration } from '@hotpatch/common';

/**
 * The request headers `GET /v1/expo/:app/manifest` reads besides `Accept`: what a gateway in front of it must
 * forward (scripts/openapi.js declares them on the route), each at most `MAX_PARAMETER_LENGTH` characters but
 * `EXPO_TELEMETRY_HEADER`, which never refuses a request (a malformed value is ignored).
 */
export const EXPO_REQUEST_HEADERS = [
  'expo-protocol-version',
  'expo-platform',
  'expo-channel-name',
  'expo-runtime-version',
  'eas-client-id',
  'expo-current-update-id',
  'expo-embedded-update-id',
  'expo-expect-signature',
  'expo-recent-failed-update-ids',
] as const;

/** Launch telemetry (updates that failed to launch on the device): counted when well-formed, else ignored. */
export const EXPO_TELEMETRY_HEADER = 'expo-recent-failed-update-ids' satisfies (typeof EXPO_REQUEST_HEADERS)[number];
/**
 * What `GET /v1/expo/:app/:platform/:channel/assets/:hash` (the launch asset, maybe as a patch) reads besides
 * the path: the delta encodings the device applies and the updates it runs and downloads.
 */
export const EXPO_ASSET_REQUEST_HEADERS = [
  'a-im',
  'expo-current-update-id',
  'expo-embedded-update-id',
  'expo-requested-update-id',
] as const;

/** getLatestBundle's HTTP routes (public, read-only): what API Gateway and the local front send it. */
export const routes = [
  { method: 'GET', path: '/v1/check' },
  { method: 'GET', path: '/v1/health' },
  { method: 'GET', path: '/v1/expo/:app/manifest' },
  { method: 'GET', path: '/v1/expo/:app/:platform/:channel/assets/:hash' },
  { method: 'GET', path: '/v0.1/public/codepush/update_check' },
  { method: 'GET', path: '/updateCheck' },
  { method: 'POST', path: '/v0.1/public/codepush/report_status/deploy' },
  { method: 'POST', path: '/v0.1/public/codepush/report_status/download' },
  { method: 'POST', path: '/reportStatus/deploy' },
  { method: 'POST', path: '/reportStatus/download' },
] as const satisfies readonly RouteDeclaration[];
