import { tmpdir } from 'node:os';
import {
  createAppRegistry,
  createLogger,
  createMemoryStore,
  parseOssTriggerEvent,
  patchLimits,
  readJson,
} from '@hotpatch/common';
import { parseCatalog, parseLogEntry, storageKeys } from '@hotpatch/core';
import { processUpload } from './processUpload';
import { makeZip } from './testing/zips';

describe('uploadBundle: who uploaded', () => {
  it('records the uploader and source address of the OSS event on the release and its log entry', async () => {
    const store = createMemoryStore();
    await createAppRegistry(store).create({ name: 'demo', platforms: ['ios'] });
    const key = 'uploads/demo/ios/build-1.zip';
    const { etag } = await store.put(key, await makeZip({ 'CodePush/main.jsbundle': 'console.log(1)' }), {
      metadata: { target: '1.x' },
    });
    // The record as OSS delivers it (userIdentity and requestParameters name who uploaded, from where).
    const [event] = parseOssTriggerEvent({
      events: [
        {
          eventName: 'ObjectCreated:PutObject',
          eventSource: 'acs:oss',
          eventTime: '2026-11-27T00:00:00.000Z',
          eventVersion: '1.0',
          region: 'cn-shanghai',
          oss: {
            bucket: { arn: 'acs:oss:cn-shanghai:1234:b', name: 'b', ownerIdentity: '1234', virtualBucket: '' },
            object: { deltaSize: 1, eTag: etag, key, size: 1 },
            ossSchemaVersion: '1.0',
            ruleId: 'r',
          },
          requestParameters: { sourceIPAddress: '140.205.11.12' },
          responseElements: { requestId: 'req' },
          userIdentity: { principalId: '203569851256' },
        },
      ],
    });
    const config = {
      uploadPrefix: 'uploads/',
      patches: { maxBases: 5, maxRatio: 0.3, ...patchLimits('uploadBundle') },
      tempDirectory: tmpdir(),
      limits: { maxUploadBytes: 1 << 20, maxEntries: 50, maxUncompressedBytes: 1 << 20, maxCompressionRatio: 200 },
    };
    await processUpload(event!, {
      store,
      registry: createAppRegistry(store),
      config,
      logger: createLogger({ service: 'uploadBundle', write: () => undefined }),
      now: () => new Date('2026-11-27T00:00:00Z'),
    });
    const deployment = { app: 'demo', platform: 'ios' as const, channel: 'staging' };
    const uploader = { principalId: '203569851256', sourceIp: '140.205.11.12' };
    expect((await readJson(store, storageKeys.logEntry(deployment, 1), parseLogEntry))?.actor).toEqual(uploader);
    expect((await readJson(store, storageKeys.catalog(deployment), parseCatalog))?.releases[0]).toMatchObject({
      createdBy: 'uploadBundle',
      actor: uploader,
    });
  });
});
