import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { InvalidKeyError } from '../errors';
import { describeObjectStoreContract } from '../testing';
import { createFsStore } from './createFsStore';

const freshDirectory = (): string => mkdtempSync(path.join(tmpdir(), 'hotpatch-fs-'));

describeObjectStoreContract('filesystem', () => createFsStore({ directory: freshDirectory() }));

describe('createFsStore beyond the contract', () => {
  it('serves the same objects after a restart (a new store on the same folder)', async () => {
    const directory = freshDirectory();
    await createFsStore({ directory }).put('apps/demo.json', Buffer.from('{"app":"demo"}'), {
      contentType: 'application/json',
      metadata: { owner: 'ci' },
    });

    const restarted = createFsStore({ directory });
    expect(await restarted.get('apps/demo.json')).toMatchObject({
      status: 'found',
      body: Buffer.from('{"app":"demo"}'),
      info: { contentType: 'application/json', metadata: { owner: 'ci' } },
    });
    expect((await restarted.list({ prefix: 'apps/' })).objects.map((object) => object.key)).toEqual(['apps/demo.json']);
  });

  it('leaves nothing behind when a streamed body fails half-way, and keeps the previous version', async () => {
    const directory = freshDirectory();
    const store = createFsStore({ directory });
    await store.put('bundle.zip', Buffer.from('old'));
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(store.put('bundle.zip', failing)).rejects.toThrow('connection reset');
    expect(await store.get('bundle.zip')).toMatchObject({ body: Buffer.from('old') });
    expect(readdirSync(path.join(directory, '.tmp'))).toEqual([]);
  });

  it('keeps a key and a longer key under it apart ("a" and "a/b")', async () => {
    const store = createFsStore({ directory: freshDirectory() });
    await store.put('a', Buffer.from('file a'));
    await store.put('a/b', Buffer.from('file a/b'));
    await store.put('a@', Buffer.from('file a@'));
    expect(await store.get('a')).toMatchObject({ body: Buffer.from('file a') });
    expect(await store.get('a/b')).toMatchObject({ body: Buffer.from('file a/b') });
    expect((await store.list()).objects.map((object) => object.key)).toEqual(['a', 'a/b', 'a@']);
  });

  it('sweeps temp files a crashed writer left behind, but not recent ones', () => {
    const directory = freshDirectory();
    createFsStore({ directory });
    const stale = path.join(directory, '.tmp', 'crashed-writer');
    const recent = path.join(directory, '.tmp', 'live-writer');
    writeFileSync(stale, 'partial');
    writeFileSync(recent, 'partial');
    const anHourAgo = new Date(Date.now() - 3600_000);
    utimesSync(stale, anHourAgo, anHourAgo);
    createFsStore({ directory });
    expect(readdirSync(path.join(directory, '.tmp'))).toEqual(['live-writer']);
  });

  it('reports a corrupted object file as a StorageError, not as missing', async () => {
    const directory = freshDirectory();
    const store = createFsStore({ directory });
    await store.put('x.json', Buffer.from('{}'));
    writeFileSync(path.join(directory, 'objects', 'x.json@'), 'garbage');
    await expect(store.get('x.json')).rejects.toThrow(/metadata trailer|truncated/);
  });

  it('never lists outside its folder: "../" prefixes are refused before any directory is read', async () => {
    const parent = freshDirectory();
    const store = createFsStore({ directory: path.join(parent, 'bucket') });
    await store.put('apps/demo.json', Buffer.from('{}'));
    const neighbour = createFsStore({ directory: path.join(parent, 'neighbour') });
    await neighbour.put('secret.json', Buffer.from('{}'));
    for (const prefix of ['../', '../../', '../../neighbour/objects/', 'apps/../../../']) {
      const refused = await store.list({ prefix }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(InvalidKeyError);
      expect((refused as Error).message).toMatch(/^invalid list prefix .*".." segment/);
      expect((refused as Error).message).not.toContain(parent);
    }
  });

  it('reports filesystem failures by key and error code, never by the absolute path of the file', async () => {
    const directory = freshDirectory();
    const store = createFsStore({ directory });
    mkdirSync(path.join(directory, 'objects', 'loop'), { recursive: true });
    symlinkSync('x@', path.join(directory, 'objects', 'loop', 'x@'));
    const failure = await store.get('loop/x').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as Error).message).toBe('filesystem store could not open loop/x: ELOOP');
  });
});
