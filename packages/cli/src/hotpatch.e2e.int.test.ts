import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import { decodeCodePushSignature } from '@hotpatch/core';
import { DEV_APP_KEY, type LocalStack } from '@hotpatch/local';
import { startTestOssServer, startTestStack, TEST_BUCKET, TEST_CREDENTIALS } from '@hotpatch/local/testing';
import { EXIT } from './runCli';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

let stack: LocalStack;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-cli-'));

beforeAll(async () => {
  stack = await startTestStack({
    dataDir: path.join(work, 'data'),
    functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' },
  });
  // Everything else (keys, bucket) comes from the CLI's local-stack defaults; HOME keeps a developer's config out.
  env = { HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work };
});

afterAll(async () => {
  await stack.close();
});

/** Runs `hotpatch <args>` in process, capturing its output and exit code. */
const hotpatch = (...args: string[]): Promise<HotpatchRun> => runHotpatch(env, args);

function bundleFolder(name: string, code: string): string {
  const folder = path.join(work, name, 'CodePush');
  mkdirSync(path.join(folder, 'assets'), { recursive: true });
  writeFileSync(path.join(folder, 'main.jsbundle'), code);
  writeFileSync(path.join(folder, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  return folder;
}

const checkArgs = (channel: string, extra: string[] = []) => [
  'check',
  '--app',
  'shop',
  '--platform',
  'ios',
  '--channel',
  channel,
  '--app-version',
  '1.2.0',
  '--json',
  ...extra,
];

describe('the release life cycle, driven only through the hotpatch CLI', () => {
  let v1Hash: string;
  let v2Hash: string;

  it('adds an app and shows its deployment keys', async () => {
    const added = await hotpatch('app', 'add', 'shop', '--platforms', 'ios,android');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/production\s+ios\s+deployment key \S{20,}/);
    expect((await hotpatch('app', 'ls', '--json')).json).toEqual({
      apps: [{ name: 'shop', platforms: ['ios', 'android'], channels: ['staging', 'production'] }],
    });
    expect((await hotpatch('app', 'show', 'shop', '--json')).json.app.channels.staging.deploymentKeys.ios).toEqual(
      expect.any(String),
    );
  });

  it('releases a folder to staging and waits for the outcome', async () => {
    const released = await hotpatch(
      'release',
      bundleFolder('one', 'console.log("v1")'),
      '--app',
      'shop',
      '--platform',
      'ios',
      '--target',
      '^1.0.0',
      '--description',
      'first',
      '--json',
    );
    expect(released.code).toBe(0);
    expect(released.json).toMatchObject({
      status: 'accepted',
      release: { app: 'shop', platform: 'ios', channel: 'staging', label: 'v1' },
    });
    v1Hash = released.json.release.packageHash;
  });

  it('check sees it on staging but not on production', async () => {
    expect((await hotpatch(...checkArgs('staging'))).json).toMatchObject({
      status: 'update',
      release: { label: 'v1', hash: v1Hash, description: 'first' },
    });
    expect((await hotpatch(...checkArgs('production'))).json).toEqual({ status: 'upToDate' });
  });

  it('promotes to production at 20%: about 20% of 1,000 installs get it, the same ones each time', async () => {
    const promoted = await hotpatch(
      'promote',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--from',
      'staging',
      '--to',
      'production',
      '--rollout',
      '20',
      '--json',
    );
    expect(promoted).toMatchObject({ code: 0, json: { release: { label: 'v1', rollout: 20, packageHash: v1Hash } } });
    const selected = async (): Promise<string[]> => {
      const ids: string[] = [];
      for (let index = 0; index < 1000; index += 1) {
        const answer = await hotpatch(...checkArgs('production', ['--client-id', `install-${index}`]));
        if (answer.json.status === 'update') ids.push(`install-${index}`);
      }
      return ids;
    };
    const first = await selected();
    expect(first.length).toBeGreaterThan(150);
    expect(first.length).toBeLessThan(250);
    expect(await selected()).toEqual(first);
  });

  it('raises the rollout to 100%: every install gets it', async () => {
    expect(
      (
        await hotpatch(
          'patch',
          '--app',
          'shop',
          '--platform',
          'ios',
          '--channel',
          'production',
          '--label',
          'v1',
          '--rollout',
          '100',
        )
      ).code,
    ).toBe(0);
    expect((await hotpatch(...checkArgs('production', ['--client-id', 'install-999']))).json).toMatchObject({
      status: 'update',
      release: { label: 'v1' },
    });
    const shrink = await hotpatch(
      'patch',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--label',
      'v1',
      '--rollout',
      '50',
    );
    expect(shrink.code).toBe(1);
    expect(shrink.stderr).toBe('hotpatch: 409 Conflict: rollout may only grow: v1 is at 100%, asked for 50%\n');
  });

  it('releases a second version as mandatory', async () => {
    const released = await hotpatch(
      'release',
      bundleFolder('two', 'console.log("v2")'),
      '--app',
      'shop',
      '--platform',
      'ios',
      '--target',
      '^1.0.0',
      '--channel',
      'production',
      '--mandatory',
      '--json',
    );
    expect(released.json).toMatchObject({ status: 'accepted', release: { channel: 'production', label: 'v2' } });
    v2Hash = released.json.release.packageHash;
    expect((await hotpatch(...checkArgs('production', ['--bundle-hash', v1Hash]))).json).toMatchObject({
      status: 'update',
      release: { label: 'v2', mandatory: true },
    });
  });

  it('disables it: installs running it are told to roll back', async () => {
    expect(
      (
        await hotpatch(
          'patch',
          '--app',
          'shop',
          '--platform',
          'ios',
          '--channel',
          'production',
          '--label',
          'v2',
          '--disabled',
        )
      ).code,
    ).toBe(0);
    expect((await hotpatch(...checkArgs('production', ['--bundle-hash', v2Hash]))).json).toMatchObject({
      status: 'rollback',
      release: { label: 'v1', hash: v1Hash },
    });
  });

  it('rolls back by label as a new release, and history shows every step newest first', async () => {
    const rolledBack = await hotpatch(
      'rollback',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--label',
      'v1',
      '--json',
    );
    expect(rolledBack.json).toMatchObject({
      release: { label: 'v3', packageHash: v1Hash, origin: { kind: 'rollback', label: 'v1' } },
    });
    expect((await hotpatch(...checkArgs('production', ['--bundle-hash', v1Hash]))).json).toEqual({
      status: 'upToDate',
    });
    expect((await hotpatch(...checkArgs('production', ['--bundle-hash', v2Hash]))).json).toMatchObject({
      status: 'update',
      release: { label: 'v3' },
    });
    const history = await hotpatch(
      'history',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--json',
    );
    expect(
      history.json.releases.map((release: { label: string; disabled: boolean }) => [release.label, release.disabled]),
    ).toEqual([
      ['v3', false],
      ['v2', true],
      ['v1', false],
    ]);
    expect(history.json.releases[0].createdBy).toBe(DEV_APP_KEY.key);
    // Who did what: the key behind each change, and for an upload the uploader and address OSS reported.
    expect(history.json.releases[0].actor).toEqual({ key: DEV_APP_KEY.key });
    expect(history.json.releases[1]).toMatchObject({
      actor: { principalId: expect.any(String), sourceIp: expect.stringMatching(/127\.0\.0\.1/) },
      lastPatch: { actor: { key: DEV_APP_KEY.key } },
    });
    const text = (
      await hotpatch('history', '--app', 'shop', '--platform', 'ios', '--channel', 'production')
    ).stdout.split('\n');
    expect(text[0]).toMatch(new RegExp(`^v3 .* by key ${DEV_APP_KEY.key} \\(rollback of production v1\\)`));
    expect(text[1]).toMatch(
      new RegExp(`^v2 .* by uploader \\S+ from \\S*127\\.0\\.0\\.1; patched \\S+ by key ${DEV_APP_KEY.key}`),
    );
  });
});

describe('signed releases (CodePush code signing)', () => {
  it('signs with --private-key; the server keeps the signature and its contentHash is the package hash', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(work, 'codepush-private.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const released = await hotpatch(
      'release',
      bundleFolder('signed', 'console.log("signed")'),
      '--app',
      'shop',
      '--platform',
      'ios',
      '--target',
      '^3.0.0',
      '--private-key',
      keyFile,
      '--json',
    );
    expect(released.json.reasons ?? []).toEqual([]);
    expect(released).toMatchObject({ code: 0, json: { status: 'accepted' } });
    const packageHash: string = released.json.release.packageHash;
    const check = await hotpatch(
      'check',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'staging',
      '--app-version',
      '3.0.0',
      '--json',
    );
    expect(check.json).toMatchObject({ status: 'update', release: { hash: packageHash, signed: true } });
    const zip = Buffer.from(await (await fetch(check.json.release.url)).arrayBuffer());
    const jwt = await readZipEntry(zip, 'CodePush/.codepushrelease');
    expect(decodeCodePushSignature(jwt)).toMatchObject({ kind: 'ok', claims: { contentHash: packageHash } });
  });
});

describe('release settings from the released folder', () => {
  /** The names of a zip's entries. */
  function zipEntryNames(zip: Buffer): Promise<string[]> {
    return new Promise((resolve, reject) => {
      yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
        if (error) return reject(error);
        const names: string[] = [];
        archive.on('entry', (entry: yauzl.Entry) => {
          names.push(entry.fileName);
          archive.readEntry();
        });
        archive.on('end', () => resolve(names));
        archive.readEntry();
      });
    });
  }

  it('reads CodePush/hotpatch.json (flags win, field by field) and does not ship it to devices', async () => {
    const folder = bundleFolder('settings', 'console.log("settings")');
    writeFileSync(
      path.join(folder, 'hotpatch.json'),
      JSON.stringify({ targetBinaryRange: '^6.0.0', description: 'from the file', rollout: 40, mandatory: true }),
    );
    const released = await hotpatch(
      'release',
      folder,
      '--app',
      'shop',
      '--platform',
      'ios',
      '--description',
      'from the flag',
      '--json',
    );
    expect(released.json.reasons ?? []).toEqual([]);
    expect(released).toMatchObject({ code: 0, json: { status: 'accepted' } });
    const history = await hotpatch(
      'history',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'staging',
      '--limit',
      '1',
      '--json',
    );
    expect(history.json.releases[0]).toMatchObject({
      targetBinaryRange: '^6.0.0',
      description: 'from the flag',
      rollout: 40,
      mandatory: true,
    });
    // At 40 % rollout, ask as installs until one is offered the release.
    let check = await hotpatch(
      'check',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'staging',
      '--app-version',
      '6.1.0',
      '--client-id',
      'install-0',
      '--json',
    );
    for (let index = 1; check.json.status !== 'update' && index < 50; index += 1) {
      check = await hotpatch(
        'check',
        '--app',
        'shop',
        '--platform',
        'ios',
        '--channel',
        'staging',
        '--app-version',
        '6.1.0',
        '--client-id',
        `install-${index}`,
        '--json',
      );
    }
    const names = await zipEntryNames(Buffer.from(await (await fetch(check.json.release.url)).arrayBuffer()));
    expect(names).toContain('CodePush/main.jsbundle');
    expect(names.filter((name) => name.endsWith('hotpatch.json'))).toEqual([]);
  });

  it('refuses invalid settings in the file before uploading, naming the file and the field', async () => {
    const folder = bundleFolder('bad-settings', 'console.log("bad")');
    writeFileSync(path.join(folder, 'hotpatch.json'), JSON.stringify({ targetBinaryRange: '^6.0.0', rollout: 0 }));
    const refused = await hotpatch('release', folder, '--app', 'shop', '--platform', 'ios', '--timeout', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `hotpatch: invalid release settings (flags, then ${folder}/hotpatch.json)\n  - hotpatch.json rollout must be a whole percentage from 1 to 100, got 0\n`,
    );
    expect(refused.stdout).not.toContain('uploading');
    writeFileSync(path.join(folder, 'hotpatch.json'), '{ not json');
    expect((await hotpatch('release', folder, '--app', 'shop', '--platform', 'ios')).stderr).toMatch(
      /^hotpatch: \S+hotpatch\.json is not valid JSON: /,
    );
  });

  it('needs a target from the flag or the file (exit 2)', async () => {
    const missing = await hotpatch('release', bundleFolder('no-target', 'x'), '--app', 'shop', '--platform', 'ios');
    expect(missing).toMatchObject({
      code: EXIT.usage,
      stderr: "hotpatch: --target is required (or targetBinaryRange in the released folder's hotpatch.json)\n",
    });
  });

  it('finds a bundle under another name with --bundle-name', async () => {
    const folder = path.join(work, 'renamed', 'CodePush');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'app.bundle'), 'console.log("renamed")');
    const without = await hotpatch('release', folder, '--app', 'shop', '--platform', 'android', '--target', '^7.0.0');
    expect(without.stderr).toContain('no bundle file: expected index.android.bundle');
    const withName = await hotpatch(
      'release',
      folder,
      '--app',
      'shop',
      '--platform',
      'android',
      '--target',
      '^7.0.0',
      '--bundle-name',
      'app.bundle',
      '--json',
    );
    expect(withName).toMatchObject({ code: 0, json: { status: 'accepted', release: { platform: 'android' } } });
  });

  it('uploads under the configured upload prefix, and refuses a malformed one', async () => {
    const elsewhere = await hotpatch(
      'release',
      bundleFolder('prefixed', 'x'),
      '--app',
      'shop',
      '--platform',
      'ios',
      '--target',
      '1.x',
      '--upload-prefix',
      'incoming/releases/',
      '--no-wait',
      '--json',
    );
    expect(elsewhere.json).toMatchObject({
      status: 'uploaded',
      uploadKey: expect.stringMatching(/^incoming\/releases\/shop\/ios\/\S+\.zip$/),
    });
    const malformed = await hotpatch(
      'release',
      bundleFolder('prefixed-bad', 'x'),
      '--app',
      'shop',
      '--platform',
      'ios',
      '--target',
      '1.x',
      '--upload-prefix',
      '../up',
    );
    expect(malformed).toMatchObject({
      code: 1,
      stderr: 'hotpatch: upload prefix "../up" must be key segments ending in / (like uploads/)\n',
    });
  });
});

/** One entry of a zip, as text. */
function readZipEntry(zip: Buffer, name: string): Promise<string> {
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
      archive.on('end', () => reject(new Error(`${name} is not in the zip`)));
      archive.readEntry();
    });
  });
}

describe('hotpatch CLI failures: a one-line reason and a non-zero exit code', () => {
  it('prints every reason of a rejected release', async () => {
    const rejected = await hotpatch(
      'release',
      bundleFolder('bad', 'x'),
      '--app',
      'shop',
      '--platform',
      'android',
      '--target',
      '^1.0.0',
    );
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(
      /^hotpatch: release rejected \(uploads\/shop\/android\/\S+\.zip\)\n {2}- no bundle file: expected index\.android\.bundle somewhere in the zip/,
    );
  });

  it('returns right after the upload with --no-wait', async () => {
    const uploaded = await hotpatch(
      'release',
      bundleFolder('nowait', 'console.log("later")'),
      '--app',
      'shop',
      '--platform',
      'ios',
      '--target',
      '^5.0.0',
      '--no-wait',
      '--json',
    );
    expect(uploaded).toMatchObject({
      code: 0,
      json: {
        status: 'uploaded',
        uploadKey: expect.stringMatching(/^uploads\/shop\/ios\/\S+\.zip$/),
        etag: expect.stringMatching(/^[0-9A-F]{32}$/),
      },
    });
  });

  it('gives up with a one-line reason when no outcome appears (no OSS trigger on that bucket)', async () => {
    const bare = await startTestOssServer();
    try {
      const saved = env;
      env = {
        ...env,
        HOTPATCH_OSS_ENDPOINT: bare.url,
        HOTPATCH_OSS_BUCKET: TEST_BUCKET,
        ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
      };
      const waited = await hotpatch(
        'release',
        bundleFolder('orphan', 'x'),
        '--app',
        'shop',
        '--platform',
        'ios',
        '--target',
        '1.x',
        '--timeout',
        '1',
      );
      env = saved;
      expect(waited.code).toBe(1);
      expect(waited.stderr).toMatch(
        /^hotpatch: no outcome for uploads\/shop\/ios\/\S+ after 1 s: is uploadBundle's OSS trigger configured\?\n$/,
      );
    } finally {
      await bare.close();
    }
  });

  it('refuses a path that does not exist, and a bad option value, before talking to anyone', async () => {
    expect(
      await hotpatch('release', path.join(work, 'nope'), '--app', 'shop', '--platform', 'ios', '--target', '1.x'),
    ).toMatchObject({ code: 1, stderr: `hotpatch: ${path.join(work, 'nope')} does not exist\n` });
    const badRollout = await hotpatch(
      'patch',
      '--app',
      'shop',
      '--platform',
      'ios',
      '--channel',
      'production',
      '--label',
      'v1',
      '--rollout',
      '0',
    );
    expect(badRollout.code).toBe(EXIT.usage);
    expect(badRollout.stderr).toContain(
      "option '--rollout <percent>' argument '0' is invalid. a whole percentage from 1 to 100",
    );
  });

  it('reports a wrong app secret as the server refusal, without printing the secret', async () => {
    const refused = await hotpatch('app', 'ls', '--app-secret', 'not-the-right-secret-123');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'hotpatch: 401 Unauthorized: signature does not match (check the app secret and the string to sign)\n',
    );
    expect(refused.stderr + refused.stdout).not.toContain('not-the-right-secret-123');
  });

  it('explains an unreachable endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await hotpatch('app', 'ls', '--endpoint', `http://127.0.0.1:${port}`);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(
      `hotpatch: cannot reach http://127.0.0.1:${port}: ECONNREFUSED (is the local stack running? npm start)\n`,
    );
  });
});

describe('the hotpatch binary', () => {
  const BIN = path.resolve(__dirname, '../bin/hotpatch.js');
  const run = promisify(execFile);

  it('runs as a command: help with an example, and a real call with exit code 0', async () => {
    const help = await run(process.execPath, [BIN, 'promote', '--help']);
    expect(help.stdout).toContain('$ hotpatch promote --app shop --platform ios --from staging --to production');
    const listed = await run(process.execPath, [BIN, 'app', 'ls'], { env: { ...process.env, ...env } });
    expect(listed.stdout).toMatch(/^shop\s+ios,android\s+channels: staging, production$/m);
  });

  it('exits non-zero with one line on failure', async () => {
    await expect(
      run(process.execPath, [BIN, 'app', 'show', 'missing-app'], { env: { ...process.env, ...env } }),
    ).rejects.toMatchObject({ code: 1, stderr: 'hotpatch: 404 NotFound: unknown app "missing-app"\n' });
  });
});
