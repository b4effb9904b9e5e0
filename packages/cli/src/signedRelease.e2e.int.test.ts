import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { decodeCodePushSignature } from '@hotpatch/core';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

/**
 * One folder released unsigned to staging, then signed to production (`--private-key`): each channel's
 * download must be the bytes its check advertises, and production's must carry the signature.
 */

let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-cli-signed-'));

beforeAll(async () => {
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' },
  });
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
});

afterAll(async () => {
  await stack.close();
});

const hotpatch = (...args: string[]): Promise<HotpatchRun> => runHotpatch(env, [...args, '--json']);

it('serves a signed release of already released files as its own signed package, on its advertised sha256 and size', async () => {
  expect((await hotpatch('app', 'add', 'shop', '--platforms', 'ios')).code).toBe(0);
  const folder = path.join(work, 'CodePush');
  mkdirSync(path.join(folder, 'assets'), { recursive: true });
  writeFileSync(path.join(folder, 'main.jsbundle'), 'console.log("same folder")');
  writeFileSync(path.join(folder, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const keyFile = path.join(work, 'key.pem');
  writeFileSync(
    keyFile,
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );

  const release = ['release', folder, '--app', 'shop', '--platform', 'ios', '--target', '2.0.x'];
  expect(await hotpatch(...release)).toMatchObject({ code: 0, json: { status: 'accepted' } });
  expect(await hotpatch(...release, '--channel', 'production', '--private-key', keyFile)).toMatchObject({
    code: 0,
    json: { status: 'accepted' },
  });

  const advertised: Record<string, { url: string; sha256: string; size: number; hash: string; signed: boolean }> = {};
  for (const channel of ['staging', 'production']) {
    const check = await hotpatch(
      'check',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      channel,
      '--app-version',
      '2.0.1',
    );
    expect(check.json.status).toBe('update');
    advertised[channel] = check.json.release;
  }
  expect(advertised.production!.hash).toBe(advertised.staging!.hash);
  expect(advertised).toMatchObject({ staging: { signed: false }, production: { signed: true } });
  for (const channel of ['staging', 'production']) {
    const bytes = Buffer.from(await (await fetch(advertised[channel]!.url)).arrayBuffer());
    expect({ channel, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }).toEqual({
      channel,
      sha256: advertised[channel]!.sha256,
      size: advertised[channel]!.size,
    });
    const signature = await zipEntry(bytes, 'CodePush/.codepushrelease');
    if (channel === 'staging') expect(signature).toBeUndefined();
    else
      expect(decodeCodePushSignature(signature!)).toMatchObject({
        kind: 'ok',
        claims: { contentHash: advertised.production!.hash },
      });
  }
});

/** One entry of a zip as text, or undefined when it is not there. */
function zipEntry(zip: Buffer, name: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return archive.readEntry();
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      archive.on('end', () => resolve(undefined));
      archive.readEntry();
    });
  });
}
