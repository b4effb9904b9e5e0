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
 * Listing pages (1000 outcomes each) one call reads at most. gc collects outcomes by the uploads' age
 * (`uploadMaxAgeDays`), so an app that is collected stays far below; past it the answer is marked `truncated`.
 */
const MAX_LIST_PAGES = 5;

/**
 * `GET /v1/apps/:app/uploads?limit=20`: the app's most recent upload outcomes, newest first (by when
 * uploadBundle wrote them), for the console's "recent uploads". Bounded work: at most `MAX_LIST_PAGES` listing
 * pages, only the newest `limit` listed objects held while listing, and only those fetched. Key order is not
 * time order (uploaders name uploads), so the listing is walked rather than cut by key.
 */
export async function handleRecentUploads(request: HttpRequest, store: ObjectStore): Promise<HttpResponse> {
  const limitText = request.query.limit ?? String(DEFAULT_LIMIT);
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT)
    throw new BadRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}`, 'limit');
  let newest: ListedObject[] = [];
  let continuationToken: string | undefined;
  let pages = 0;
  do {
    const page = await store.list({
      prefix: storageKeys.uploadStatusPrefix(request.pathParameters.app!),
      ...(continuationToken ? { continuationToken } : {}),
    });
    pages += 1;
    newest = [...newest, ...page.objects]
      .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime())
      .slice(0, limit);
    continuationToken = page.nextContinuationToken;
  } while (continuationToken && pages < MAX_LIST_PAGES);
  const outcomes = await Promise.all(newest.map((object) => readJson(store, object.key, parseUploadOutcome)));
  const uploads = outcomes.filter((outcome): outcome is UploadOutcome => outcome !== null);
  return jsonResponse(
    200,
    { uploads, ...(continuationToken ? { truncated: true as const } : {}) } satisfies RecentUploadsResponse,
    { 'Cache-Control': 'no-store' },
  );
}
