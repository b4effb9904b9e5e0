import {
  decodeListingToken,
  encodeListingToken,
  ossUriEncode,
  quoteEtag,
  StorageError,
  type ObjectStore,
} from '@hotpatch/common';
import { OssRequestError } from './OssRequestError';
import { xmlDate } from './ossXml';

const DEFAULT_MAX_KEYS = 100;

/*
 * Continuation tokens on the wire are opaque to clients, as OSS's are: standard base64 (with `+`, `/`, `=`)
 * of the store's resume marker. They need URL encoding in a query string, and with `encoding-type=url` the
 * server encodes them in the response like every other name, so a client that does not decode them (or
 * decodes them twice) fails here as it would on OSS.
 */
const toWireToken = (storeToken: string): string =>
  Buffer.from(decodeListingToken(storeToken), 'utf8').toString('base64');

function fromWireToken(wireToken: string): string {
  const marker = Buffer.from(wireToken, 'base64').toString('utf8');
  if (marker === '' || Buffer.from(marker, 'utf8').toString('base64') !== wireToken) {
    throw new OssRequestError(400, 'InvalidArgument', 'The continuation token provided is incorrect.', {
      ArgumentName: 'continuation-token',
    });
  }
  return encodeListingToken(marker);
}

/**
 * ListObjects (V1) and ListObjectsV2 (`list-type=2`) over a store, as OSS answers them: `ListBucketResult`
 * content for `toXml`. With `encoding-type=url`, every name in the answer (Prefix, Delimiter, Marker,
 * NextMarker, StartAfter, ContinuationToken, NextContinuationToken, Key, common prefixes) is URL-encoded.
 */
export async function listObjects(
  store: ObjectStore,
  bucket: string,
  accountId: string,
  query: URLSearchParams,
): Promise<Record<string, unknown>> {
  const v2 = query.get('list-type') === '2';
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = query.has('max-keys') ? Number(query.get('max-keys')) : DEFAULT_MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 1000)
    throw new OssRequestError(400, 'InvalidArgument', 'max-keys must be an integer from 1 to 1000.', {
      ArgumentName: 'max-keys',
    });
  const urlEncoded = query.get('encoding-type') === 'url';
  const encode = (text: string): string => (urlEncoded ? ossUriEncode(text) : text);
  const marker = v2 ? query.get('start-after') : query.get('marker');
  const wireToken = v2 ? query.get('continuation-token') || undefined : undefined;
  const continuationToken = wireToken ? fromWireToken(wireToken) : marker ? encodeListingToken(marker) : undefined;
  let page;
  try {
    page = await store.list({
      prefix,
      maxKeys,
      ...(delimiter ? { delimiter } : {}),
      ...(continuationToken ? { continuationToken } : {}),
    });
  } catch (error) {
    if (error instanceof StorageError && /list prefix/.test(error.message))
      throw new OssRequestError(400, 'InvalidArgument', error.message, { ArgumentName: 'prefix' });
    throw error;
  }
  const contents = page.objects.map((object) => ({
    Key: encode(object.key),
    LastModified: xmlDate(object.lastModified),
    ETag: quoteEtag(object.etag),
    Type: 'Normal',
    Size: object.size,
    StorageClass: 'Standard',
    Owner: { ID: accountId, DisplayName: accountId },
  }));
  const common = page.commonPrefixes.map((commonPrefix) => ({ Prefix: encode(commonPrefix) }));
  const truncated = page.nextContinuationToken !== undefined;
  const result: Record<string, unknown> = { Name: bucket, Prefix: encode(prefix) };
  if (v2) {
    if (wireToken) result.ContinuationToken = encode(wireToken);
    if (query.get('start-after')) result.StartAfter = encode(query.get('start-after')!);
  } else {
    result.Marker = encode(marker ?? '');
  }
  result.MaxKeys = maxKeys;
  if (delimiter) result.Delimiter = encode(delimiter);
  if (urlEncoded) result.EncodingType = 'url';
  result.IsTruncated = truncated;
  if (truncated && v2) result.NextContinuationToken = encode(toWireToken(page.nextContinuationToken!));
  if (truncated && !v2) result.NextMarker = encode(decodeListingToken(page.nextContinuationToken!));
  if (v2) result.KeyCount = contents.length + common.length;
  result.Contents = contents;
  result.CommonPrefixes = common;
  return result;
}
