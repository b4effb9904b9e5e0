/**
 * uploadBundle (the OSS-trigger function) with invocations overlapping in ONE instance: FC's asynchronous
 * invocation may deliver several upload events to an instance at once when its concurrency allows it (we
 * deploy it at one, but the adapter must not depend on that). Every log line must name its own request id and
 * its own upload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppRegistry, createFsStore } from '@hotpatch/common';
import { fcContext } from '@hotpatch/common/testing';
import { createUploadBundleFunction } from './index';
import { makeZip } from './testing/zips';

const UPLOADS = 20;

/** An OSS trigger event for one created object, in FC's wire shape. */
function ossEvent(key: string, etag: string, size: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      events: [
        {
          eventName: 'ObjectCreated:PutObject',
          eventSource: 'acs:oss',
          eventTime: '2026-11-27T00:00:00.000Z',
          eventVersion: '1.0',
          oss: {
            bucket: { arn: 'acs:oss:cn-shanghai:1:hotpatch', name: 'hotpatch', ownerIdentity: '1', virtualBucket: '' },
            object: { deltaSize: size, eTag: etag, key, size },
            ossSchemaVersion: '1.0',
            ruleId: 'r',
          },
          region: 'cn-shanghai',
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { requestId: 'oss' },
          userIdentity: { principalId: '1' },
        },
      ],
    }),
  );
}

describe('uploadBundle: concurrent OSS-trigger invocations in one instance', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'hotpatch-upload-concurrency-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('releases every upload and logs each line under its own request id and upload key', async () => {
    const store = createFsStore({ directory });
    const registry = createAppRegistry(store);
    // One deployment per upload: the releases never race for the same sequence number.
    for (let app = 0; app < UPLOADS / 2; app++)
      await registry.create({ name: `app-${app}`, platforms: ['ios', 'android'] });
    const uploads = await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        const platform = i % 2 === 0 ? 'ios' : 'android';
        const zip = await makeZip(
          platform === 'ios'
            ? { 'CodePush/main.jsbundle': `console.log(${i})` }
            : { 'index.android.bundle': `console.log(${i})` },
        );
        const key = `uploads/app-${Math.floor(i / 2)}/${platform}/build-${i}.zip`;
        const { etag } = await store.put(key, zip, { metadata: { target: '1.x' } });
        return { key, etag, event: ossEvent(key, etag, zip.length), context: fcContext({ requestId: `req-${i}` }) };
      }),
    );

    const lines: Record<string, unknown>[] = [];
    const handler = createUploadBundleFunction(
      { HOTPATCH_STORAGE: 'fs', HOTPATCH_FS_DIR: directory, HOTPATCH_LOG_LEVEL: 'info' },
      { writeLog: (line) => lines.push(JSON.parse(line)) },
    );
    const outcomes = await Promise.all(uploads.map(({ event, context }) => handler(event, context)));
    expect(outcomes.map((results) => results.map((outcome) => outcome?.status))).toEqual(
      uploads.map(() => ['accepted']),
    );

    uploads.forEach(({ key, etag, context }, i) => {
      const own = lines.filter((line) => line.request_id === context.requestId);
      expect(own.map((line) => line.message)).toEqual(
        expect.arrayContaining(['upload received', 'release appended', 'outcome recorded']),
      );
      for (const line of own) expect(line).toMatchObject({ upload_key: key, etag, cold_start: i === 0 });
    });
    expect(lines.every((line) => uploads.some(({ context }) => context.requestId === line.request_id))).toBe(true);
  });
});
