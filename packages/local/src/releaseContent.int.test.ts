import OSS from 'ali-oss';
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import yauzl from 'yauzl';
import { computePackageHash, decodeCodePushSignature } from '@hotpatch/core';
import { makeZip } from '@hotpatch/upload-bundle/testing';
import type { LocalStack } from './createLocalStack';
import { DEV_CREDENTIALS } from './loadLocalStackSettings';
import { startTestStack } from './testing';

/**
 * The same files released three ways (plain, re-zipped with other timestamps, signed): each release's
 * download must be exactly the bytes its answers advertise, on the native API and the CodePush API, and a
 * diff towards the signed release must carry its signature.
 */

let stack: LocalStack;
const keys: Record<string, string> = {};

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const files = { 'CodePush/index.android.bundle': 'console.log("same files")', 'CodePush/assets/logo.png': 'logo' };
const older = {
  'CodePush/index.android.bundle': 'console.log("older")',
  'CodePush/assets/logo.png': 'logo',
  'CodePush/assets/gone.png': 'gone',
};
const hashOf = (set: Record<string, string>) =>
  computePackageHash(Object.entries(set).map(([path, content]) => ({ path, sha256: sha256(content) })));
const packageHash = hashOf(files);

/** A `.codepushrelease` as the CLI's --private-key writes it: RS256 JWT over the package hash. */
function signature(contentHash: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ claimVersion: '1.0.0', contentHash, iat: 1_800_000_000 })}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}
const jwt = signature(packageHash);

const zips: Record<string, Buffer> = {};

async function upload(name: string, zip: Buffer, channel: string): Promise<void> {
  const client = new OSS({ endpoint: stack.ossUrl, bucket: 'hotpatch', ...DEV_CREDENTIALS });
  await client.put(`uploads/same/android/${name}.zip`, zip, {
    meta: { target: '1.x', channel },
  } as unknown as OSS.PutObjectOptions);
  await stack.triggers.idle();
  const status = await client.list({ prefix: `upload-status/same/android/${name}.zip/`, 'max-keys': 10 }, {});
  const outcome = JSON.parse((await client.get(status.objects[0]!.name)).content.toString());
  expect(outcome).toMatchObject({ status: 'accepted' });
}

async function download(url: string): Promise<{ bytes: Buffer; contentLength: string | null }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return { contentLength: response.headers.get('content-length'), bytes: Buffer.from(await response.arrayBuffer()) };
}

async function nativeCheck(
  channel: string,
): Promise<{ url: string; sha256: string; size: number; hash: string; signed: boolean }> {
  const query = new URLSearchParams({ app: 'same', platform: 'android', channel, appVersion: '1.0.0' });
  const body = (await (await fetch(`${stack.apiUrl}/v1/check?${query.toString()}`)).json()) as {
    status: string;
    release: never;
  };
  expect(body.status).toBe('update');
  return body.release;
}

async function codePushCheck(
  channel: string,
  current?: { label: string; packageHash: string },
): Promise<{ download_url: string; package_size: number; package_hash: string }> {
  const query = new URLSearchParams({
    deployment_key: keys[channel]!,
    app_version: '1.0.0',
    client_unique_id: 'device-1',
    ...(current ? { label: current.label, package_hash: current.packageHash } : {}),
  });
  const body = (await (
    await fetch(`${stack.apiUrl}/v0.1/public/codepush/update_check?${query.toString()}`)
  ).json()) as { update_info: never };
  expect(body.update_info).toMatchObject({ is_available: true });
  return body.update_info;
}

beforeAll(async () => {
  stack = await startTestStack({ functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' } });
  await stack.registry.create({ name: 'same', platforms: ['android'] });
  const app = await stack.registry.addChannel('same', 'signed');
  for (const channel of ['staging', 'production', 'signed'])
    keys[channel] = app.channels[channel]!.deploymentKeys.android!;

  zips.plain = await makeZip(files, { mtime: new Date('2026-01-01T00:00:00Z') });
  zips.rezipped = await makeZip(files, { mtime: new Date('2026-02-02T12:34:56Z') });
  zips.signed = await makeZip(
    { ...files, 'CodePush/.codepushrelease': jwt },
    { mtime: new Date('2026-03-03T00:00:00Z') },
  );
  expect(new Set(Object.values(zips).map((zip) => sha256(zip))).size).toBe(3);

  // Staging and the signed channel both go from the older files to these: two diffs from one old package hash
  // to one new package hash, one of them towards a signed package.
  const olderZip = await makeZip(older);
  await upload('older-staging', olderZip, 'staging');
  await upload('plain', zips.plain, 'staging');
  await upload('rezipped', zips.rezipped, 'production');
  await upload('older-signed', olderZip, 'signed');
  await upload('signed', zips.signed, 'signed');
});

afterAll(async () => {
  await stack.close();
});

describe('one package hash, three uploads: each release serves exactly its own bytes', () => {
  it.each([
    ['plain', 'staging'],
    ['rezipped', 'production'],
    ['signed', 'signed'],
  ])(
    '%s (channel %s): /v1/check and CodePush update_check download the advertised sha256 and size',
    async (name, channel) => {
      const zip = zips[name]!;
      const native = await nativeCheck(channel);
      expect(native).toMatchObject({
        hash: packageHash,
        sha256: sha256(zip),
        size: zip.length,
        signed: name === 'signed',
      });
      const nativeDownload = await download(native.url);
      expect(sha256(nativeDownload.bytes)).toBe(native.sha256);
      expect(nativeDownload.bytes.length).toBe(native.size);
      expect(nativeDownload.contentLength).toBe(String(native.size));

      const codePush = await codePushCheck(channel);
      expect(codePush).toMatchObject({ package_hash: packageHash, package_size: zip.length });
      const codePushDownload = await download(codePush.download_url);
      expect(sha256(codePushDownload.bytes)).toBe(sha256(zip));
      expect(codePushDownload.contentLength).toBe(String(codePush.package_size));
    },
  );

  it('the signed release carries its .codepushrelease; the plain one has none', async () => {
    const signed = await zipEntries((await download((await nativeCheck('signed')).url)).bytes);
    expect(signed.get('CodePush/.codepushrelease')?.toString()).toBe(jwt);
    expect(decodeCodePushSignature(jwt)).toMatchObject({ kind: 'ok', claims: { contentHash: packageHash } });
    const plain = await zipEntries((await download((await nativeCheck('staging')).url)).bytes);
    expect([...plain.keys()].sort()).toEqual(Object.keys(files).sort());
  });

  it('a diff towards the signed release carries its signature and, applied, gives the package hash', async () => {
    const unsigned = await codePushCheck('staging', { label: 'v1', packageHash: hashOf(older) });
    expect(unsigned.download_url).toContain('/diffs/');
    expect((await zipEntries((await download(unsigned.download_url)).bytes)).has('CodePush/.codepushrelease')).toBe(
      false,
    );

    const codePush = await codePushCheck('signed', { label: 'v1', packageHash: hashOf(older) });
    expect(codePush.download_url).toContain('/diffs/');
    const { bytes, contentLength } = await download(codePush.download_url);
    expect(contentLength).toBe(String(codePush.package_size));
    expect(bytes.length).toBe(codePush.package_size);
    const diff = await zipEntries(bytes);
    expect(diff.get('CodePush/.codepushrelease')?.toString()).toBe(jwt);
    expect(JSON.parse(diff.get('hotcodepush.json')!.toString())).toEqual({
      deletedFiles: ['CodePush/assets/gone.png'],
    });

    // Applied as the client applies it: the old files, minus deletedFiles, overlaid with the diff.
    const applied = new Map(Object.entries(older).map(([path, content]) => [path, sha256(content)]));
    applied.delete('CodePush/assets/gone.png');
    for (const [path, content] of diff) if (path !== 'hotcodepush.json') applied.set(path, sha256(content));
    expect(computePackageHash([...applied].map(([path, hash]) => ({ path, sha256: hash })))).toBe(packageHash);
  });

  it('a diff from the signed release to an unsigned one leaves the signature alone: it suits a device on either package', async () => {
    const newer = { 'CodePush/index.android.bundle': 'console.log("newer")', 'CodePush/assets/logo.png': 'logo' };
    await upload('newer', await makeZip(newer), 'signed');
    const codePush = await codePushCheck('signed', { label: 'v2', packageHash });
    expect(codePush).toMatchObject({ package_hash: hashOf(newer), download_url: expect.stringContaining('/diffs/') });
    const diff = await zipEntries((await download(codePush.download_url)).bytes);
    expect(JSON.parse(diff.get('hotcodepush.json')!.toString())).toEqual({ deletedFiles: [] });
    expect([...diff.keys()].sort()).toEqual(['CodePush/index.android.bundle', 'hotcodepush.json']);
  });
});

/** Every file entry of a zip, by path. */
function zipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Buffer>();
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return archive.readEntry();
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            archive.readEntry();
          });
        });
      });
      archive.on('end', () => resolve(entries));
      archive.on('error', reject);
      archive.readEntry();
    });
  });
}
