import { BadRequestError, HotpatchError } from '@hotpatch/common';
import {
  CLIENT_ID_PATTERN,
  createLruCache,
  LRU_ENTRY_OVERHEAD_BYTES,
  MAX_PARAMETER_LENGTH,
  MAX_RECENT_FAILED_UPDATE_IDS,
  nameProblem,
  runtimeVersionProblem,
  UUID_PATTERN,
  type DeploymentRef,
  type ExpoUpdateRequest,
  type LruLimits,
  type Platform,
} from '@hotpatch/core';
import { parseDictionary, parseList } from 'structured-headers';
import { EXPO_REQUEST_HEADERS, EXPO_TELEMETRY_HEADER } from './routes';

/** The channel of a device that sends no `expo-channel-name` (EAS's default channel name). */
const DEFAULT_EXPO_CHANNEL = 'production';

/** What the manifest route can answer with, in the server's order of preference. */
const EXPO_MEDIA_TYPES = ['multipart/mixed', 'application/expo+json', 'application/json'] as const;
export type ExpoMediaType = (typeof EXPO_MEDIA_TYPES)[number];

export interface ExpoRequest {
  deployment: DeploymentRef;
  update: ExpoUpdateRequest;
  /** 0 or 1; 0 when the header is absent (protocol-0 clients predate it). */
  protocolVersion: 0 | 1;
  /** The acceptable media types, best first (an empty list never reaches the handler: 406). */
  accept: readonly ExpoMediaType[];
  /** Present when the device verifies signatures (`expo-expect-signature`): the key id it expects, if it says. */
  expectSignature: { keyId: string | undefined } | undefined;
  /** `expo-recent-failed-update-ids`: lower-case UUIDs, at most `MAX_RECENT_FAILED_UPDATE_IDS`; [] when absent or malformed. */
  recentFailedUpdateIds: readonly string[];
}

/**
 * The longest `Accept` read: expo-updates sends about 60 characters and browsers a few hundred; a longer one
 * is a 400 before it is parsed or remembered (it would key the memo below).
 */
export const MAX_ACCEPT_LENGTH = 1024;

/** 406: nothing the device accepts can carry the answer. */
export class NotAcceptableError extends HotpatchError {
  constructor(message: string) {
    super(message, 406, 'NotAcceptable');
    this.name = 'NotAcceptableError';
  }
}

function uuidHeader(headers: Record<string, string>, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || value === '') return undefined;
  if (!UUID_PATTERN.test(value)) throw new BadRequestError(`${name} must be a UUID`, name);
  return value.toLowerCase();
}

/**
 * The acceptable media types of an `Accept` header, best first: q-values honoured (q=0 excludes), wildcards
 * matched, ties broken by the server's preference. No header accepts everything (RFC 9110).
 */
function negotiate(accept: string | undefined): ExpoMediaType[] {
  if (accept === undefined || accept.trim() === '') return [...EXPO_MEDIA_TYPES];
  const ranges = accept.split(',').map((item) => {
    const [range = '', ...parameters] = item.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return { range, quality: Number.isFinite(quality) ? quality : 0 };
  });
  const qualityOf = (type: ExpoMediaType): number => {
    const [major] = type.split('/');
    let best = -1;
    let bestSpecificity = -1;
    for (const { range, quality } of ranges) {
      const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (specificity > bestSpecificity) {
        bestSpecificity = specificity;
        best = quality;
      }
    }
    return best;
  };
  return EXPO_MEDIA_TYPES.map((type, preference) => ({ type, quality: qualityOf(type), preference }))
    .filter(({ quality }) => quality > 0)
    .sort((a, b) => b.quality - a.quality || a.preference - b.preference)
    .map(({ type }) => type);
}

/** The bound of each memo of parsed header values below (in getLatestBundle's cache budget). */
export const EXPO_HEADER_MEMO_LIMITS: LruLimits = { maxEntries: 256, maxBytes: 256 * 1024 };

/** Parsed `Accept` and `expo-expect-signature` values by raw header: devices of one app send the same few. */
const acceptMemo = createLruCache<string, ExpoMediaType[]>(EXPO_HEADER_MEMO_LIMITS);
const expectSignatureMemo = createLruCache<string, { keyId: string | undefined }>(EXPO_HEADER_MEMO_LIMITS);

function parseExpectSignature(value: string): { keyId: string | undefined } {
  const name = 'expo-expect-signature';
  const remembered = expectSignatureMemo.get(value);
  if (remembered) return remembered;
  let members: Map<string, unknown>;
  try {
    // Only each member's value matters here: `[value, parameters]` → value.
    members = new Map([...parseDictionary(value)].map(([key, [item]]) => [key, item as unknown]));
  } catch {
    throw new BadRequestError(`${name} is not an Expo SFV dictionary`, name);
  }
  const keyId = members.get('keyid');
  const alg = members.get('alg');
  if (keyId !== undefined && typeof keyId !== 'string')
    throw new BadRequestError(`${name}: keyid must be a string`, name);
  if (alg !== undefined && alg !== 'rsa-v1_5-sha256')
    throw new BadRequestError(`${name}: alg ${JSON.stringify(alg)} is not supported; use "rsa-v1_5-sha256"`, name);
  const parsed = { keyId };
  expectSignatureMemo.set(value, parsed, LRU_ENTRY_OVERHEAD_BYTES + value.length * 4);
  return parsed;
}

/**
 * A list longer than this is no device's and is not parsed: a UUID as an SFV string and its separator take 40
 * characters, twice that leaves room for parameters and spaces.
 */
const MAX_FAILED_IDS_HEADER_LENGTH = MAX_RECENT_FAILED_UPDATE_IDS * 80;

/**
 * `expo-recent-failed-update-ids`, an Expo SFV list of strings. Telemetry never fails a manifest request: a value
 * that is too long or not a list is ignored whole, an item that is not a UUID string is skipped, and only the
 * first `MAX_RECENT_FAILED_UPDATE_IDS` are read.
 */
function parseFailedUpdateIds(value: string | undefined): string[] {
  if (value === undefined || value === '' || value.length > MAX_FAILED_IDS_HEADER_LENGTH) return [];
  let items: ReturnType<typeof parseList>;
  try {
    items = parseList(value);
  } catch {
    return [];
  }
  const ids: string[] = [];
  for (const [item] of items) {
    if (typeof item === 'string' && UUID_PATTERN.test(item)) ids.push(item.toLowerCase());
    if (ids.length === MAX_RECENT_FAILED_UPDATE_IDS) break;
  }
  return ids;
}

/**
 * Validates `GET /v1/expo/:app/manifest` without touching storage: the app from the path, the channel from
 * `expo-channel-name` (default `production`), `expo-platform`, `expo-runtime-version`, `expo-protocol-version`
 * (0 or 1), the update ids (UUIDs, compared in lower case), `eas-client-id`, `expo-expect-signature` and
 * `Accept`. Every refusal is a 400 naming the header; an `Accept` nothing of ours satisfies is a 406.
 * `expo-recent-failed-update-ids` is telemetry and never refuses (`parseFailedUpdateIds`).
 */
export function parseExpoRequest(app: string | undefined, headers: Record<string, string>): ExpoRequest {
  const appProblem = nameProblem('app', app);
  if (appProblem) throw new BadRequestError(appProblem, 'app');
  for (const name of EXPO_REQUEST_HEADERS) {
    const value = headers[name];
    if (value !== undefined && value.length > MAX_PARAMETER_LENGTH && name !== EXPO_TELEMETRY_HEADER)
      throw new BadRequestError(`${name} is longer than ${MAX_PARAMETER_LENGTH} characters`, name);
  }
  const protocolHeader = headers['expo-protocol-version'];
  if (protocolHeader !== undefined && protocolHeader !== '0' && protocolHeader !== '1')
    throw new BadRequestError(
      `expo-protocol-version ${JSON.stringify(protocolHeader)} is not supported; use 0 or 1`,
      'expo-protocol-version',
    );
  const platform = headers['expo-platform'];
  if (platform !== 'ios' && platform !== 'android')
    throw new BadRequestError(
      platform === undefined
        ? 'expo-platform is missing'
        : `expo-platform ${JSON.stringify(platform)} is not ios or android`,
      'expo-platform',
    );
  const channel = headers['expo-channel-name'] ?? DEFAULT_EXPO_CHANNEL;
  const channelProblem = nameProblem('channel', channel);
  if (channelProblem) throw new BadRequestError(channelProblem, 'expo-channel-name');
  const runtimeVersion = headers['expo-runtime-version'];
  if (!runtimeVersion) throw new BadRequestError('expo-runtime-version is missing', 'expo-runtime-version');
  const runtimeProblem = runtimeVersionProblem(runtimeVersion);
  if (runtimeProblem) throw new BadRequestError(`expo-runtime-version: ${runtimeProblem}`, 'expo-runtime-version');
  const clientId = headers['eas-client-id'] || undefined;
  if (clientId !== undefined && !CLIENT_ID_PATTERN.test(clientId))
    throw new BadRequestError('eas-client-id must be 1-128 printable ASCII characters without spaces', 'eas-client-id');
  const currentUpdateId = uuidHeader(headers, 'expo-current-update-id');
  const embeddedUpdateId = uuidHeader(headers, 'expo-embedded-update-id');
  const expectHeader = headers['expo-expect-signature'];
  const expectSignature = expectHeader === undefined ? undefined : parseExpectSignature(expectHeader);

  const acceptHeader = headers.accept ?? '';
  if (acceptHeader.length > MAX_ACCEPT_LENGTH)
    throw new BadRequestError(`accept is longer than ${MAX_ACCEPT_LENGTH} characters`, 'accept');
  let accept = acceptMemo.get(acceptHeader);
  if (!accept) {
    accept = negotiate(acceptHeader);
    acceptMemo.set(acceptHeader, accept, LRU_ENTRY_OVERHEAD_BYTES + acceptHeader.length * 2 + 64);
  }
  if (accept.length === 0) throw new NotAcceptableError(`Accept must allow one of ${EXPO_MEDIA_TYPES.join(', ')}`);
  return {
    deployment: { app: app!, platform: platform satisfies Platform, channel },
    update: { runtimeVersion, currentUpdateId, embeddedUpdateId, clientId },
    protocolVersion: protocolHeader === '1' ? 1 : 0,
    accept,
    expectSignature,
    recentFailedUpdateIds: parseFailedUpdateIds(headers[EXPO_TELEMETRY_HEADER]),
  };
}
