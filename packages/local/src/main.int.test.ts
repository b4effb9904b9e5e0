import OSS from 'ali-oss';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** `npm start` runs the compiled entry point; `npm test` compiles before jest runs. */
const MAIN = path.resolve(__dirname, '../dist/main.js');

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  api: string;
  oss: string;
}

async function start(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HOTPATCH_DATA_DIR: dataDir, HOTPATCH_PORT: '0', HOTPATCH_OSS_PORT: '0', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  while (!/data folder:/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`local stack did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    output: () => output,
    api: /API \(gateway\):\s+(\S+)/.exec(output)![1]!,
    oss: /OSS endpoint:\s+(\S+)/.exec(output)![1]!,
  };
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGINT');
  return new Promise((resolve) => started.child.once('exit', (code) => resolve(code)));
}

describe('npm start (packages/local/dist/main.js)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm test" (it compiles first) or "npx tsc -b"`);
  });

  it('prints its endpoints and credentials, serves ali-oss, stops cleanly on Ctrl-C and keeps its data', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hotpatch-main-'));
    const first = await start(dataDir);
    expect(first.output()).toContain('hotpatch-dev-key-id');
    expect(first.output()).toContain('hotpatch-dev-key-secret');
    expect(first.output()).toContain(dataDir);

    const client = new OSS({
      endpoint: first.oss,
      bucket: 'hotpatch',
      accessKeyId: 'hotpatch-dev-key-id',
      accessKeySecret: 'hotpatch-dev-key-secret',
    });
    await client.put('notes/kept.txt', Buffer.from('still here'));
    await expect(
      new OSS({
        endpoint: first.oss,
        bucket: 'hotpatch',
        accessKeyId: 'hotpatch-dev-key-id',
        accessKeySecret: 'wrong',
      }).put('x', Buffer.from('x')),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect((await fetch(`${first.api}/v1/health`)).status).toBe(200);
    expect(await stop(first)).toBe(0);

    const second = await start(dataDir);
    const reopened = new OSS({
      endpoint: second.oss,
      bucket: 'hotpatch',
      accessKeyId: 'hotpatch-dev-key-id',
      accessKeySecret: 'hotpatch-dev-key-secret',
    });
    expect((await reopened.get('notes/kept.txt')).content.toString()).toBe('still here');
    expect(await stop(second)).toBe(0);
  });

  it('uses the configured key pair instead of the dev defaults', async () => {
    const started = await start(mkdtempSync(path.join(tmpdir(), 'hotpatch-main-')), {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'team-key',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'team-secret',
    });
    expect(started.output()).not.toContain('team-secret');
    await new OSS({
      endpoint: started.oss,
      bucket: 'hotpatch',
      accessKeyId: 'team-key',
      accessKeySecret: 'team-secret',
    }).put('a', Buffer.from('a'));
    await expect(
      new OSS({
        endpoint: started.oss,
        bucket: 'hotpatch',
        accessKeyId: 'hotpatch-dev-key-id',
        accessKeySecret: 'hotpatch-dev-key-secret',
      }).put('a', Buffer.from('a')),
    ).rejects.toMatchObject({ code: 'InvalidAccessKeyId' });
    expect(await stop(started)).toBe(0);
  });

  it('binds HOTPATCH_HOST, prints HOTPATCH_PUBLIC_URL endpoints and passes function settings through', async () => {
    const started = await start(mkdtempSync(path.join(tmpdir(), 'hotpatch-main-')), {
      HOTPATCH_HOST: '0.0.0.0',
      HOTPATCH_PUBLIC_URL: 'http://10.0.2.2',
      HOTPATCH_UPLOAD_PREFIX: 'inbox/',
      HOTPATCH_CATALOG_TTL_SECONDS: '7',
    });
    try {
      expect(started.api).toMatch(/^http:\/\/10\.0\.2\.2:\d+$/);
      expect(started.oss).toMatch(/^http:\/\/10\.0\.2\.2:\d+$/);
      expect(started.output()).toContain('upload prefix:   oss://hotpatch/inbox/<app>/<platform>/<name>.zip');
      expect(started.output()).toContain('catalog TTL:     7 s');
      // Requests from this machine still go to 127.0.0.1, on the printed ports.
      const local = /from this machine: (\S+) and (\S+)/.exec(started.output())!;
      expect(local[1]).toBe(started.api.replace('10.0.2.2', '127.0.0.1'));
      expect((await fetch(`${local[1]}/v1/health`)).status).toBe(200);
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  it('defaults the catalog TTL to 0: changes reach devices at their next check', async () => {
    const started = await start(mkdtempSync(path.join(tmpdir(), 'hotpatch-main-')));
    try {
      expect(started.output()).toContain('catalog TTL:     0 s (changes reach devices at their next check');
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  it('refuses to start with a malformed setting, naming it', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, HOTPATCH_PORT: 'eighty' } });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('HOTPATCH_PORT: expected an integer');
  });

  it('refuses a HOTPATCH_PUBLIC_URL with a port, naming it', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        HOTPATCH_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'hotpatch-main-')),
        HOTPATCH_PORT: '0',
        HOTPATCH_OSS_PORT: '0',
        HOTPATCH_PUBLIC_URL: '10.0.2.2:3001',
      },
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // A stack that wrongly starts is stopped rather than left running.
    const timer = setTimeout(() => child.kill('SIGINT'), 10_000);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(output).toContain('HOTPATCH_PUBLIC_URL');
  });
});
