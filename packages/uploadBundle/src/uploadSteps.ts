import {
  immutableContent,
  ObjectExistsError,
  type AppRegistry,
  type Logger,
  type ObjectStore,
  type OssObjectEvent,
  type PatchEngine,
} from '@hotpatch/common';
import type { ParsedUploadKey } from '@hotpatch/core';
import type { UploadConfig } from './loadUploadConfig';

/** What the steps of one upload share: the function's parts, and the helpers every step answers with. */
export interface UploadDependencies {
  store: ObjectStore;
  registry: AppRegistry;
  config: UploadConfig;
  logger: Logger;
  now: () => Date;
  /** Fault injection only: the engine patches are made with (default `@hotpatch/bsdiff`). */
  patchEngine?: PatchEngine;
}

/** Who the release log records as the author of uploads. */
export const UPLOAD_AUTHOR = 'uploadBundle';

/**
 * A step refused the upload for these reasons; nothing was published. Every step answers its value or a
 * rejection, and `processUpload` records rejections in one place.
 */
export interface Rejection {
  rejected: string[];
}
export const rejection = (...reasons: string[]): Rejection => ({ rejected: reasons });
export const isRejection = (value: unknown): value is Rejection =>
  typeof value === 'object' && value !== null && 'rejected' in value;

type UploadKey = Extract<ParsedUploadKey, { kind: 'ok' }>;

/** What one invocation works on: the event, its parsed key, when it started, and the function's parts. */
export interface Upload {
  event: OssObjectEvent;
  key: UploadKey;
  at: string;
  deps: UploadDependencies;
}

/** Writes immutable content (long-cacheable: `immutableContent`) unless it is already there (same key, same bytes). */
export async function putOnce(store: ObjectStore, key: string, body: Buffer, contentType: string): Promise<void> {
  if (await store.head(key)) return;
  try {
    await store.put(key, body, immutableContent(contentType));
  } catch (error) {
    if (!(error instanceof ObjectExistsError)) throw error;
  }
}
