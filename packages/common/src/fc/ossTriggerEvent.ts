import type { Actor } from '@hotpatch/core';
import { BadRequestError } from '../errors';

/** One record of an OSS trigger event, exactly as FC delivers it (see docs/protocols/aliyun.md §2). */
export interface OssEventRecord {
  eventName: string;
  eventSource: 'acs:oss';
  eventTime: string;
  eventVersion: string;
  oss: {
    bucket: { arn: string; name: string; ownerIdentity: string; virtualBucket: string };
    object: { deltaSize: number; eTag: string; key: string; size: number };
    ossSchemaVersion: string;
    ruleId: string;
  };
  region: string;
  requestParameters: { sourceIPAddress: string };
  responseElements: { requestId: string };
  userIdentity: { principalId: string };
}

export interface OssTriggerEvent {
  events: OssEventRecord[];
}

/** What a handler needs of one record: which object changed, and how. */
export interface OssObjectEvent {
  eventName: string;
  bucket: string;
  key: string;
  size: number;
  /** Upper-case hex, no quotes. */
  etag: string;
  eventTime: string;
  region: string;
  /** Who made the change, as OSS names them (`userIdentity.principalId`); empty when the event has none. */
  principalId?: string;
  /** Where the request came from (`requestParameters.sourceIPAddress`); empty when the event has none. */
  sourceIp?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parsePayload(event: unknown): unknown {
  if (Buffer.isBuffer(event) || typeof event === 'string') {
    const text = event.toString();
    try {
      return JSON.parse(text);
    } catch {
      throw new BadRequestError('OSS trigger event is not JSON');
    }
  }
  return event;
}

/**
 * Reads an OSS trigger event, as a Buffer (how FC delivers it), a string or an already parsed object, into
 * one `OssObjectEvent` per record. A payload of the wrong shape throws `BadRequestError` naming the field:
 * a handler must never guess at a key.
 */
export function parseOssTriggerEvent(event: unknown): OssObjectEvent[] {
  const payload = parsePayload(event);
  if (!isRecord(payload) || !Array.isArray(payload.events))
    throw new BadRequestError('OSS trigger event has no "events" array', 'events');
  return payload.events.map((record: unknown, index) => {
    const where = `events[${index}]`;
    if (!isRecord(record) || typeof record.eventName !== 'string')
      throw new BadRequestError(`${where}.eventName is missing`, `${where}.eventName`);
    const oss = record.oss;
    if (!isRecord(oss) || !isRecord(oss.bucket) || !isRecord(oss.object))
      throw new BadRequestError(`${where}.oss.bucket/object is missing`, `${where}.oss`);
    const { bucket, object } = oss;
    if (typeof bucket.name !== 'string' || bucket.name === '')
      throw new BadRequestError(`${where}.oss.bucket.name is missing`, `${where}.oss.bucket.name`);
    if (typeof object.key !== 'string' || object.key === '')
      throw new BadRequestError(`${where}.oss.object.key is missing`, `${where}.oss.object.key`);
    const size = Number(object.size ?? 0);
    if (!Number.isFinite(size) || size < 0)
      throw new BadRequestError(`${where}.oss.object.size is not a size`, `${where}.oss.object.size`);
    return {
      eventName: record.eventName,
      bucket: bucket.name,
      key: object.key,
      size,
      etag: typeof object.eTag === 'string' ? object.eTag.replace(/"/g, '').toUpperCase() : '',
      eventTime: typeof record.eventTime === 'string' ? record.eventTime : '',
      region: typeof record.region === 'string' ? record.region : '',
      principalId:
        isRecord(record.userIdentity) && typeof record.userIdentity.principalId === 'string'
          ? record.userIdentity.principalId
          : '',
      sourceIp:
        isRecord(record.requestParameters) && typeof record.requestParameters.sourceIPAddress === 'string'
          ? record.requestParameters.sourceIPAddress
          : '',
    };
  });
}

/** The uploader of an object as its OSS event names them (principal and source address), for the release log. */
export function uploaderOf(event: OssObjectEvent): Actor {
  return {
    ...(event.principalId ? { principalId: event.principalId } : {}),
    ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
  };
}

export interface ObjectCreatedNotice {
  /** Without the `oss:` prefix, as the payload carries it: `ObjectCreated:PutObject`, … */
  eventName: string;
  bucket: string;
  key: string;
  size: number;
  previousSize: number;
  etag: string;
  sourceIp: string;
  requestId: string;
  region: string;
  accountId: string;
  /** The requester's principal (a RAM user's id); the account id when not given, as for the account's own key. */
  principalId?: string;
  ruleId: string;
  time: Date;
}

/** Builds the exact payload OSS sends FC for one object event (the local stack fires these). */
export function buildOssTriggerEvent(notice: ObjectCreatedNotice): OssTriggerEvent {
  return {
    events: [
      {
        eventName: notice.eventName,
        eventSource: 'acs:oss',
        eventTime: notice.time.toISOString().replace(/\.\d{3}Z$/, '.000Z'),
        eventVersion: '1.0',
        oss: {
          bucket: {
            arn: `acs:oss:${notice.region}:${notice.accountId}:${notice.bucket}`,
            name: notice.bucket,
            ownerIdentity: notice.accountId,
            virtualBucket: '',
          },
          object: {
            deltaSize: notice.size - notice.previousSize,
            eTag: notice.etag,
            key: notice.key,
            size: notice.size,
          },
          ossSchemaVersion: '1.0',
          ruleId: notice.ruleId,
        },
        region: notice.region,
        requestParameters: { sourceIPAddress: notice.sourceIp },
        responseElements: { requestId: notice.requestId },
        userIdentity: { principalId: notice.principalId ?? notice.accountId },
      },
    ],
  };
}
