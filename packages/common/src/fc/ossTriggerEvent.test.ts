import { createCredentialsSource } from '../config/createCredentialsSource';
import { BadRequestError } from '../errors';
import { createLogger } from '../logging';
import { fcContext } from '../testing';
import { createFcOssHandler } from './createFcOssHandler';
import { parseOssTriggerEvent } from './ossTriggerEvent';

/** FC's documented sample payload (docs/protocols/aliyun.md §2), verbatim. */
const referenceEvent = {
  events: [
    {
      eventName: 'ObjectCreated:PutObject',
      eventSource: 'acs:oss',
      eventTime: '2017-04-21T12:46:37.000Z',
      eventVersion: '1.0',
      oss: {
        bucket: { arn: 'acs:oss:cn-shanghai:123456789:bucketname', name: 'testbucket', ownerIdentity: '123456789', virtualBucket: '' },
        object: { deltaSize: 122539, eTag: '688A7BF4F233DC9C88A80BF985AB7329', key: 'image/a.jpg', size: 122539 },
        ossSchemaVersion: '1.0',
        ruleId: '9adac8e253828f4f7c0466d941fa3db81161****',
      },
      region: 'cn-shanghai',
      requestParameters: { sourceIPAddress: '140.205.***.***' },
      responseElements: { requestId: '58F9FF2D3DF792092E12044C' },
      userIdentity: { principalId: '123456789' },
    },
  ],
};

const expected = { eventName: 'ObjectCreated:PutObject', bucket: 'testbucket', key: 'image/a.jpg', size: 122539, etag: '688A7BF4F233DC9C88A80BF985AB7329', eventTime: '2017-04-21T12:46:37.000Z', region: 'cn-shanghai' };

describe('parseOssTriggerEvent', () => {
  it('reads the reference payload as a Buffer (how FC delivers it), a string or an object', () => {
    expect(parseOssTriggerEvent(Buffer.from(JSON.stringify(referenceEvent)))).toEqual([expected]);
    expect(parseOssTriggerEvent(JSON.stringify(referenceEvent))).toEqual([expected]);
    expect(parseOssTriggerEvent(referenceEvent)).toEqual([expected]);
  });

  it('reads every record of a multi-record event', () => {
    const second = { ...referenceEvent.events[0]!, oss: { ...referenceEvent.events[0]!.oss, object: { ...referenceEvent.events[0]!.oss.object, key: 'image/b.jpg' } } };
    expect(parseOssTriggerEvent({ events: [referenceEvent.events[0], second] }).map((event) => event.key)).toEqual(['image/a.jpg', 'image/b.jpg']);
  });

  it('refuses payloads of the wrong shape, naming the field', () => {
    expect(() => parseOssTriggerEvent(Buffer.from('{'))).toThrow('not JSON');
    expect(() => parseOssTriggerEvent({ Records: [] })).toThrow('"events"');
    expect(() => parseOssTriggerEvent({ events: [{ eventName: 'x' }] })).toThrow('events[0].oss');
    const noKey = { events: [{ ...referenceEvent.events[0], oss: { ...referenceEvent.events[0]!.oss, object: { size: 1 } } }] };
    expect(() => parseOssTriggerEvent(noKey)).toThrow(BadRequestError);
  });
});

describe('createFcOssHandler', () => {
  it('hands each record to the handler with FC credentials in place, and rethrows a failure so FC retries', async () => {
    const credentials = createCredentialsSource({});
    const seen: string[] = [];
    const handler = createFcOssHandler({
      logger: createLogger({ service: 'uploadBundle', write: () => undefined }),
      credentials,
      handle: () => async (event) => {
        seen.push(`${event.key}@${credentials.current().accessKeyId}`);
        if (event.key === 'fail') throw new Error('transient');
        return event.key;
      },
    });
    expect(await handler(Buffer.from(JSON.stringify(referenceEvent)), fcContext())).toEqual(['image/a.jpg']);
    expect(seen).toEqual(['image/a.jpg@STS.test']);
    const failing = { events: [{ ...referenceEvent.events[0], oss: { ...referenceEvent.events[0]!.oss, object: { ...referenceEvent.events[0]!.oss.object, key: 'fail' } } }] };
    await expect(handler(failing, fcContext())).rejects.toThrow('transient');
    await expect(handler(Buffer.from('nope'), fcContext())).rejects.toBeInstanceOf(BadRequestError);
  });
});
