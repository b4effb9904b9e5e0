import { createCredentialsSource } from '../config/createCredentialsSource';
import { BadRequestError } from '../errors';
import { createLogger } from '../logging';
import { fcContext } from '../testing';
import { createFcOssHandler } from './createFcOssHandler';
import { parseOssTriggerEvent, uploaderOf } from './ossTriggerEvent';

/** FC's documented sample payload (docs/protocols/aliyun.md §2), verbatim. */
const referenceEvent = {
  events: [
    {
      eventName: 'ObjectCreated:PutObject',
      eventSource: 'acs:oss',
      eventTime: '2017-04-21T12:46:37.000Z',
      eventVersion: '1.0',
      oss: {
        bucket: {
          arn: 'acs:oss:cn-shanghai:123456789:bucketname',
          name: 'testbucket',
          ownerIdentity: '123456789',
          virtualBucket: '',
        },
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

const expected = {
  eventName: 'ObjectCreated:PutObject',
  bucket: 'testbucket',
  key: 'image/a.jpg',
  size: 122539,
  etag: '688A7BF4F233DC9C88A80BF985AB7329',
  eventTime: '2017-04-21T12:46:37.000Z',
  region: 'cn-shanghai',
  principalId: '123456789',
  sourceIp: '140.205.***.***',
};

describe('parseOssTriggerEvent', () => {
  it('reads the reference payload as a Buffer (how FC delivers it), a string or an object', () => {
    expect(parseOssTriggerEvent(Buffer.from(JSON.stringify(referenceEvent)))).toEqual([expected]);
    expect(parseOssTriggerEvent(JSON.stringify(referenceEvent))).toEqual([expected]);
    expect(parseOssTriggerEvent(referenceEvent)).toEqual([expected]);
  });

  it('names the uploader and the address the upload came from', () => {
    const [event] = parseOssTriggerEvent(referenceEvent);
    expect(uploaderOf(event!)).toEqual({ principalId: '123456789', sourceIp: '140.205.***.***' });
    const { userIdentity: _who, requestParameters: _where, ...anonymous } = referenceEvent.events[0]!;
    expect(uploaderOf(parseOssTriggerEvent({ events: [anonymous] })[0]!)).toEqual({});
  });

  it('reads every record of a multi-record event', () => {
    const second = {
      ...referenceEvent.events[0]!,
      oss: {
        ...referenceEvent.events[0]!.oss,
        object: { ...referenceEvent.events[0]!.oss.object, key: 'image/b.jpg' },
      },
    };
    expect(parseOssTriggerEvent({ events: [referenceEvent.events[0], second] }).map((event) => event.key)).toEqual([
      'image/a.jpg',
      'image/b.jpg',
    ]);
  });

  it('refuses payloads of the wrong shape, naming the field', () => {
    expect(() => parseOssTriggerEvent(Buffer.from('{'))).toThrow('not JSON');
    expect(() => parseOssTriggerEvent({ Records: [] })).toThrow('"events"');
    expect(() => parseOssTriggerEvent({ events: [{ eventName: 'x' }] })).toThrow('events[0].oss');
    const noKey = {
      events: [{ ...referenceEvent.events[0], oss: { ...referenceEvent.events[0]!.oss, object: { size: 1 } } }],
    };
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
    const failing = {
      events: [
        {
          ...referenceEvent.events[0],
          oss: { ...referenceEvent.events[0]!.oss, object: { ...referenceEvent.events[0]!.oss.object, key: 'fail' } },
        },
      ],
    };
    await expect(handler(failing, fcContext())).rejects.toThrow('transient');
    await expect(handler(Buffer.from('nope'), fcContext())).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('createFcOssHandler with concurrent invocations', () => {
  it('gives each of 200 overlapping invocations its own request id, credentials and keys, and each record its own keys', async () => {
    const lines: Record<string, unknown>[] = [];
    const credentials = createCredentialsSource({});
    const logger = createLogger({ service: 'uploadBundle', write: (line) => lines.push(JSON.parse(line)) });
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
    const handler = createFcOssHandler({
      logger,
      credentials,
      handle: () => async (event) => {
        await tick();
        logger.appendKeys({ [`key_of_${event.key.split('/')[0]}`]: event.key });
        await tick();
        logger.info('handled', { signer: credentials.current().accessKeyId });
        return event.key;
      },
    });
    const record = (key: string) => ({
      ...referenceEvent.events[0]!,
      oss: { ...referenceEvent.events[0]!.oss, object: { ...referenceEvent.events[0]!.oss.object, key } },
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        handler(
          { events: [record(`first/${i}`), record(`second/${i}`)] },
          fcContext({ requestId: `req-${i}`, credentials: { accessKeyId: `STS.${i}`, accessKeySecret: 's' } }),
        ),
      ),
    );
    expect(results[7]).toEqual(['first/7', 'second/7']);
    expect(lines).toHaveLength(400);
    for (const line of lines) {
      const i = String(line.request_id).slice('req-'.length);
      expect(line.signer).toBe(`STS.${i}`);
      // The second record's line has its own key and not the first record's.
      if ('key_of_second' in line) expect(line).not.toHaveProperty('key_of_first');
      expect(line.key_of_first ?? line.key_of_second).toMatch(new RegExp(`^(first|second)/${i}$`));
    }
    expect(lines.filter((line) => 'key_of_second' in line)).toHaveLength(200);
  });
});
