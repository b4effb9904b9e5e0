import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidKeyError, ObjectExistsError, RangeNotSatisfiableError, StorageError } from '../errors';
import { IMMUTABLE_CACHE_CONTROL, immutableContent, type ObjectStore } from '../storage/ObjectStore';

const md5 = (bytes: Buffer | string): string => createHash('md5').update(bytes).digest('hex').toUpperCase();

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function listAll(
  store: ObjectStore,
  prefix: string,
  maxKeys: number,
  delimiter?: string,
): Promise<{ keys: string[]; prefixes: string[]; pages: number }> {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await store.list({
      prefix,
      maxKeys,
      ...(delimiter ? { delimiter } : {}),
      ...(token ? { continuationToken: token } : {}),
    });
    keys.push(...page.objects.map((object) => object.key));
    prefixes.push(...page.commonPrefixes);
    token = page.nextContinuationToken;
    pages += 1;
  } while (token);
  return { keys, prefixes, pages };
}

/**
 * The `ObjectStore` contract, written once and run against every implementation (memory, filesystem, and both
 * OSS clients, ali-oss and the own HTTP client, against the local OSS server). `createStore` may return the
 * same store each time: every test works under its own random key prefix.
 */
export interface ObjectStoreContractOptions {
  /**
   * Writes many small objects quickly, bypassing the store under test (e.g. straight into the local OSS
   * server's folder) for the tests that need more than a thousand keys; by default the store's own `put`.
   */
  seed?: (keys: string[], body: Buffer) => Promise<void>;
}

export function describeObjectStoreContract(
  name: string,
  createStore: () => ObjectStore | Promise<ObjectStore>,
  options: ObjectStoreContractOptions = {},
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let ns: string;

    beforeEach(async () => {
      store = await createStore();
      ns = `contract-${randomBytes(4).toString('hex')}/`;
    });

    it('stores bytes, content type and metadata, and returns them with an MD5 ETag', async () => {
      const body = Buffer.from('{"hello":"world"}');
      const { etag } = await store.put(`${ns}a.json`, body, {
        contentType: 'application/json',
        metadata: { app: 'demo', channel: 'staging' },
      });
      expect(etag).toBe(md5(body));

      const got = await store.get(`${ns}a.json`);
      expect(got).toMatchObject({
        status: 'found',
        body,
        info: {
          key: `${ns}a.json`,
          size: body.length,
          etag: md5(body),
          contentType: 'application/json',
          metadata: { app: 'demo', channel: 'staging' },
        },
      });
      expect(await store.head(`${ns}a.json`)).toMatchObject({
        size: body.length,
        etag: md5(body),
        contentType: 'application/json',
        metadata: { app: 'demo', channel: 'staging' },
      });
    });

    it('stores immutable content with its Cache-Control and keeps it on a copy (or sets it on a replacing copy)', async () => {
      await store.put(`${ns}content`, Buffer.from('bytes'), immutableContent('application/zip'));
      expect((await store.head(`${ns}content`))?.cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
      expect((await store.getStream(`${ns}content`))?.info.cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
      await store.copy(`${ns}content`, `${ns}copied`);
      expect((await store.head(`${ns}copied`))?.cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
      await store.put(`${ns}plain`, Buffer.from('bytes'));
      expect((await store.head(`${ns}plain`))?.cacheControl).toBeUndefined();
      await store.copy(`${ns}plain`, `${ns}replaced`, {
        contentType: 'text/plain',
        cacheControl: IMMUTABLE_CACHE_CONTROL,
      });
      expect((await store.head(`${ns}replaced`))?.cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
    });

    it('answers null, not an error, for a missing object on get, head and getStream', async () => {
      expect(await store.get(`${ns}missing`)).toBeNull();
      expect(await store.head(`${ns}missing`)).toBeNull();
      expect(await store.getStream(`${ns}missing`)).toBeNull();
    });

    it('answers notModified to a conditional get with the current ETag, quoted or not, and the body otherwise', async () => {
      const { etag } = await store.put(`${ns}catalog.json`, Buffer.from('v1'));
      expect(await store.get(`${ns}catalog.json`, { ifNoneMatch: etag })).toEqual({ status: 'notModified', etag });
      expect(await store.get(`${ns}catalog.json`, { ifNoneMatch: `"${etag.toLowerCase()}"` })).toEqual({
        status: 'notModified',
        etag,
      });

      await store.put(`${ns}catalog.json`, Buffer.from('v2'));
      const changed = await store.get(`${ns}catalog.json`, { ifNoneMatch: etag });
      expect(changed).toMatchObject({ status: 'found', body: Buffer.from('v2') });
    });

    it('streams whole objects and byte ranges, and refuses a range past the end', async () => {
      const body = randomBytes(300_000);
      await store.put(`${ns}big.bin`, body);
      const whole = await store.getStream(`${ns}big.bin`);
      expect((await readAll(whole!.body)).equals(body)).toBe(true);
      expect(whole!.info.size).toBe(body.length);

      const part = await store.getStream(`${ns}big.bin`, { range: { start: 1000, end: 1999 } });
      expect(part!.range).toEqual({ start: 1000, end: 1999 });
      expect((await readAll(part!.body)).equals(body.subarray(1000, 2000))).toBe(true);

      const tail = await store.getStream(`${ns}big.bin`, { range: { start: body.length - 10 } });
      expect((await readAll(tail!.body)).equals(body.subarray(body.length - 10))).toBe(true);

      await expect(store.getStream(`${ns}big.bin`, { range: { start: body.length + 5 } })).rejects.toBeInstanceOf(
        RangeNotSatisfiableError,
      );
    });

    it('accepts a streamed body of unknown length', async () => {
      const chunks = [randomBytes(70_000), randomBytes(70_000), Buffer.from('end')];
      const { etag } = await store.put(`${ns}streamed.bin`, Readable.from(chunks));
      expect(etag).toBe(md5(Buffer.concat(chunks)));
      const got = await store.get(`${ns}streamed.bin`);
      expect(got?.status === 'found' && got.body.equals(Buffer.concat(chunks))).toBe(true);
    });

    it('stores and returns an empty object', async () => {
      await store.put(`${ns}empty`, Buffer.alloc(0));
      expect(await store.get(`${ns}empty`)).toMatchObject({
        status: 'found',
        body: Buffer.alloc(0),
        info: { size: 0 },
      });
      expect(await readAll((await store.getStream(`${ns}empty`))!.body)).toEqual(Buffer.alloc(0));
    });

    it('overwrites by default, and with forbidOverwrite refuses with ObjectExistsError leaving the object as it was', async () => {
      await store.put(`${ns}k`, Buffer.from('first'));
      await store.put(`${ns}k`, Buffer.from('second'));
      await expect(store.put(`${ns}k`, Buffer.from('third'), { forbidOverwrite: true })).rejects.toBeInstanceOf(
        ObjectExistsError,
      );
      await expect(
        store.put(`${ns}k`, Readable.from([Buffer.from('fourth')]), { forbidOverwrite: true }),
      ).rejects.toBeInstanceOf(ObjectExistsError);
      expect(await store.get(`${ns}k`)).toMatchObject({ status: 'found', body: Buffer.from('second') });
    });

    it('lets exactly one of many concurrent create-if-absent writers win', async () => {
      const writers = Array.from({ length: 12 }, (_, index) =>
        store.put(`${ns}log/000001.json`, Buffer.from(`writer ${index}`), { forbidOverwrite: true }),
      );
      const outcomes = await Promise.allSettled(writers);
      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ObjectExistsError);
      const winnerIndex = outcomes.findIndex((outcome) => outcome.status === 'fulfilled');
      expect(await store.get(`${ns}log/000001.json`)).toMatchObject({ body: Buffer.from(`writer ${winnerIndex}`) });
    });

    it('lists by prefix in byte order, paginating with continuation tokens', async () => {
      const keys = Array.from({ length: 23 }, (_, index) => `${ns}releases/${String(index).padStart(3, '0')}.json`);
      await Promise.all([...keys, `${ns}other/x`, `${ns}releasesX`].map((key) => store.put(key, Buffer.from(key))));
      const listed = await listAll(store, `${ns}releases/`, 5);
      expect(listed.keys).toEqual(keys);
      expect(listed.pages).toBe(5);

      const first = await store.list({ prefix: `${ns}releases/`, maxKeys: 5 });
      expect(first.objects[0]).toMatchObject({ key: keys[0], size: Buffer.byteLength(keys[0]!), etag: md5(keys[0]!) });
      expect(first.objects[0]!.lastModified).toBeInstanceOf(Date);
      expect(first.nextContinuationToken).toEqual(expect.any(String));

      expect((await store.list({ prefix: `${ns}releases/999` })).objects).toEqual([]);
      const tail = await store.list({ prefix: `${ns}releases/`, startAfter: keys[20] });
      expect(tail.objects.map((object) => object.key)).toEqual(keys.slice(21));
    });

    it('groups keys into common prefixes with a delimiter, without splitting a group across pages', async () => {
      const keys = ['a/1', 'a/2', 'b/1', 'c', 'd/x/1', 'e'].map((key) => ns + key);
      await Promise.all(keys.map((key) => store.put(key, Buffer.from('x'))));
      const whole = await store.list({ prefix: ns, delimiter: '/' });
      expect(whole.commonPrefixes).toEqual([`${ns}a/`, `${ns}b/`, `${ns}d/`]);
      expect(whole.objects.map((object) => object.key)).toEqual([`${ns}c`, `${ns}e`]);

      const paged = await listAll(store, ns, 2, '/');
      expect(paged.prefixes).toEqual([`${ns}a/`, `${ns}b/`, `${ns}d/`]);
      expect(paged.keys).toEqual([`${ns}c`, `${ns}e`]);
    });

    it('handles keys with spaces, plus signs, percent signs and non-ASCII characters', async () => {
      const keys = [`${ns}dir/a b+c.txt`, `${ns}dir/100%.txt`, `${ns}dir/中文/文件.js`, `${ns}dir/emoji-😀.txt`];
      for (const key of keys) await store.put(key, Buffer.from(key));
      for (const key of keys) expect(await store.get(key)).toMatchObject({ status: 'found', body: Buffer.from(key) });
      const listed = await listAll(store, `${ns}dir/`, 1000);
      expect(listed.keys).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    });

    it('lists more than 1,000 keys whose names need URL encoding, across pages, none lost or repeated', async () => {
      // Every key is 40 UTF-8 bytes with a space, "+", "%" and a non-ASCII character: names and (on OSS)
      // continuation tokens both need encoding on the wire.
      const keys = Array.from(
        { length: 1100 },
        (_, index) => `${ns}many/${String(index).padStart(4, '0')} a+b%c 中.js`,
      );
      if (options.seed) await options.seed(keys, Buffer.from('x'));
      else
        for (let start = 0; start < keys.length; start += 50)
          await Promise.all(keys.slice(start, start + 50).map((key) => store.put(key, Buffer.from('x'))));
      const listed = await listAll(store, `${ns}many/`, 1000);
      expect(listed.pages).toBe(2);
      expect(listed.keys).toEqual(keys);
      const after = await store.list({ prefix: `${ns}many/`, startAfter: keys[1049] });
      expect(after.objects.map((object) => object.key)).toEqual(keys.slice(1050));
    });

    it('deletes, and deleting a missing key succeeds', async () => {
      await store.put(`${ns}gone`, Buffer.from('x'));
      await store.delete(`${ns}gone`);
      expect(await store.get(`${ns}gone`)).toBeNull();
      await expect(store.delete(`${ns}never-existed`)).resolves.toBeUndefined();
    });

    it('copies content and metadata, replaces metadata on request, and honours forbidOverwrite', async () => {
      const body = Buffer.from('bundle bytes');
      await store.put(`${ns}src`, body, { contentType: 'application/zip', metadata: { label: 'v1' } });
      expect(await store.copy(`${ns}src`, `${ns}dst`)).toEqual({ etag: md5(body) });
      expect(await store.get(`${ns}dst`)).toMatchObject({
        status: 'found',
        body,
        info: { contentType: 'application/zip', metadata: { label: 'v1' } },
      });

      await store.copy(`${ns}src`, `${ns}dst2`, { metadata: { label: 'v2' }, contentType: 'text/plain' });
      expect(await store.head(`${ns}dst2`)).toMatchObject({ contentType: 'text/plain', metadata: { label: 'v2' } });

      await expect(store.copy(`${ns}src`, `${ns}dst`, { forbidOverwrite: true })).rejects.toBeInstanceOf(
        ObjectExistsError,
      );
      expect(await store.copy(`${ns}no-such-source`, `${ns}dst3`)).toBeNull();
      expect(await store.head(`${ns}dst3`)).toBeNull();

      expect(await store.copy(`${ns}src`, `${ns}dst4`, { ifSourceEtag: md5(body) })).toEqual({ etag: md5(body) });
      expect(await store.copy(`${ns}src`, `${ns}dst5`, { ifSourceEtag: md5('another version') })).toBeNull();
      expect(await store.head(`${ns}dst5`)).toBeNull();
    });

    it('rejects keys that could escape a folder or that OSS refuses, with InvalidKeyError', async () => {
      for (const key of [`${ns}../escape`, `${ns}a/./b`, `${ns}nul\0byte`, '/absolute', '', 'x'.repeat(1024)]) {
        await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.get(key)).rejects.toBeInstanceOf(StorageError);
      }
    });

    it('refuses list prefixes that could escape a folder with InvalidKeyError, and filters by a partial last segment', async () => {
      for (const prefix of ['../../', `${ns}../../`, `${ns}a/./`, '/etc/', `${ns}nul\0/`, `${'x'.repeat(1024)}/`]) {
        const refused = await store.list({ prefix }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(InvalidKeyError);
        expect((refused as Error).message).toMatch(/^invalid list prefix /);
      }
      await store.put(`${ns}.hidden`, Buffer.from('x'));
      await store.put(`${ns}..twice`, Buffer.from('x'));
      expect((await store.list({ prefix: `${ns}.` })).objects.map((object) => object.key)).toEqual([
        `${ns}..twice`,
        `${ns}.hidden`,
      ]);
      expect((await store.list({ prefix: `${ns}..` })).objects.map((object) => object.key)).toEqual([`${ns}..twice`]);
    });

    it('builds a download URL that names the key', () => {
      expect(store.downloadUrl(`${ns}bundles/a b.zip`)).toContain(`${ns}bundles/a%20b.zip`);
    });
  });
}
