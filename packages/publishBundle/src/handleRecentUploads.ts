import {
  BadRequestError,
  jsonResponse,
  readJson,
  type HttpRequest,
  type HttpResponse,
  type ListedObject,
  type ObjectStore,
} from '@hotpatch/common';
import { parseUploadOutcome, storageKeys, type RecentUploadsResponse, type UploadOutcome } from '@hotpatch/core';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/**
 * `GET /v1/apps/:app/uploads?limit=20`: the app's most recent upload outcomes, newest first (by when
 * uploadBundle wrote them), for the console's "recent uploads". Outcomes are small objects; the listing is
 * read whole, then only the newest `limit` are fetched.
 */
export async function handleRecentUploads(request: HttpRequest, store: ObjectStore): Promise<HttpResponse> {
  const limitText = request.query.limit ?? String(DEFAULT_LIMIT);
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT)
    throw new BadRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}`, 'limit');
  const listed: ListedObject[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await store.list({
      prefix: storageKeys.uploadStatusPrefix(request.pathParameters.app!),
      ...(continuationToken ? { continuationToken } : {}),
    });
    listed.push(...page.objects);
    continuationToken = page.nextContinuationToken;
  } while (continuationToken);
  const newest = listed.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime()).slice(0, limit);
  const outcomes = await Promise.all(newest.map((object) => readJson(store, object.key, parseUploadOutcome)));
  const uploads = outcomes.filter((outcome): outcome is UploadOutcome => outcome !== null);
  return jsonResponse(200, { uploads } satisfies RecentUploadsResponse, { 'Cache-Control': 'no-store' });
}
