import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateObjectKey } from '@hotpatch/common';
import type { LocalBucket, OssOperationContext } from './ossBucket';
import { OssRequestError } from './OssRequestError';
import { sendXml } from './ossResponses';
import { parseXml, xmlDate } from './ossXml';
import { readSmallBody } from './ossRequestHelpers';

// The local OSS server's bucket and service operations (listing objects is in listObjects.ts, policies in
// createBucketPolicyApi.ts).

/** DeleteMultipleObjects: 1 to 1000 keys, each validated; Quiet mode answers no list. */
export async function deleteMultiple(
  bucket: LocalBucket,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let keys: string[];
  let quiet: boolean;
  try {
    const document = parseXml((await readSmallBody(request)).toString('utf8')) as {
      Delete?: { Quiet?: string; Object?: { Key?: string } | { Key?: string }[] };
    };
    const objects = document.Delete?.Object;
    keys = (Array.isArray(objects) ? objects : objects ? [objects] : []).map((object) => String(object.Key ?? ''));
    quiet = document.Delete?.Quiet === 'true';
  } catch {
    throw new OssRequestError(
      400,
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  if (keys.length === 0 || keys.length > 1000)
    throw new OssRequestError(400, 'MalformedXML', 'Delete needs 1 to 1000 objects.');
  for (const key of keys) await bucket.store.delete(validateObjectKey(key));
  sendXml(response, 200, 'DeleteResult', { Deleted: quiet ? [] : keys.map((key) => ({ Key: key })) });
}

/** ListBuckets (GetService): every served bucket. */
export function listBuckets(context: OssOperationContext, response: ServerResponse): void {
  sendXml(response, 200, 'ListAllMyBucketsResult', {
    Owner: { ID: context.accountId, DisplayName: context.accountId },
    Buckets: {
      Bucket: context.allBuckets().map((bucket) => ({
        Name: bucket.name,
        CreationDate: xmlDate(new Date(0)),
        Location: context.region,
        StorageClass: 'Standard',
      })),
    },
  });
}
