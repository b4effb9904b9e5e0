import {
  BadRequestError,
  jsonResponse,
  listAllKeys,
  readJson,
  type HttpRequest,
  type HttpResponse,
  type ObjectStore,
} from '@hotpatch/common';
import {
  COLLECTABLE_PREFIXES,
  DEFAULT_UPLOAD_MAX_AGE_DAYS,
  parseCatalog,
  parseLogEntry,
  parseRegisteredBuild,
  planCollection,
  referencedKeys,
  type GcResponse,
  type LogEntry,
  type Release,
  type StoredObject,
} from '@hotpatch/core';
import { parseJsonBody } from './parseJsonBody';

const IO_BATCH = 32;
const DAY_MS = 24 * 60 * 60 * 1000;

async function listObjects(store: ObjectStore, prefix: string): Promise<StoredObject[]> {
  const objects: StoredObject[] = [];
  let token: string | undefined;
  do {
    const page = await store.list({ prefix, ...(token ? { continuationToken: token } : {}) });
    objects.push(...page.objects.map(({ key, size, lastModified }) => ({ key, size, lastModified })));
    token = page.nextContinuationToken;
  } while (token);
  return objects;
}

async function readAll<T>(
  store: ObjectStore,
  prefix: string,
  parse: (json: unknown) => T,
  skip: ReadonlySet<string> = new Set(),
  read: Set<string> = new Set(),
): Promise<T[]> {
  const keys = (await listAllKeys(store, { prefix })).filter((key) => !skip.has(key));
  for (const key of keys) read.add(key);
  const values: T[] = [];
  for (let start = 0; start < keys.length; start += IO_BATCH) {
    const read = await Promise.all(keys.slice(start, start + IO_BATCH).map((key) => readJson(store, key, parse)));
    for (const value of read) if (value !== null) values.push(value);
  }
  return values;
}

/** Every key the catalogs, the log entries (all, or those not in `skip`) and the build records name. */
async function readReferences(store: ObjectStore, skip: ReadonlySet<string>, read: Set<string>): Promise<Set<string>> {
  const catalogs = await readAll(store, 'catalogs/', parseCatalog);
  const entries: LogEntry[] = await readAll(store, 'logs/', parseLogEntry, skip, read);
  const builds = await readAll(store, 'builds/', parseRegisteredBuild);
  const releases: Release[] = catalogs.flatMap((catalog) => catalog.releases);
  return referencedKeys(releases, entries, builds);
}

/**
 * Collects what nothing references (`planCollection`). Order matters against a release published meanwhile:
 * the content is listed first, the catalogs and logs read after, and only content older than the grace period
 * is judged, so new content whose log entry lands during the run is referenced by what is read or too young.
 * Content already stored is never rewritten, though, so a release may adopt old content at any moment: just
 * before deleting, gc reads the log entries that landed since its first read (and the catalogs and build
 * records again) and spares whatever they name. Only a release landing in the milliseconds between that read
 * and the delete can still lose content.
 */
export async function collectGarbage(
  store: ObjectStore,
  options: { dryRun: boolean; uploadPrefix: string; uploadMaxAgeDays: number; now: () => Date },
): Promise<GcResponse> {
  const listed: StoredObject[] = [];
  for (const prefix of [...COLLECTABLE_PREFIXES.map(({ prefix }) => prefix), options.uploadPrefix])
    listed.push(...(await listObjects(store, prefix)));
  const logKeys = new Set<string>();
  const first = planCollection(listed, await readReferences(store, new Set(), logKeys), {
    now: options.now(),
    uploadPrefix: options.uploadPrefix,
    uploadMaxAgeMs: options.uploadMaxAgeDays * DAY_MS,
  });
  const late = await readReferences(store, logKeys, new Set());
  const collect = first.collect.filter(({ key }) => !late.has(key));
  const plan = {
    collect,
    kept: { ...first.kept, referenced: first.kept.referenced + first.collect.length - collect.length },
  };
  const collected: GcResponse['collected'] = {};
  for (const object of plan.collect) {
    const prefix = object.key.startsWith(options.uploadPrefix)
      ? options.uploadPrefix
      : COLLECTABLE_PREFIXES.find(({ prefix: each }) => object.key.startsWith(each))!.prefix;
    const counts = (collected[prefix] ??= { objects: 0, bytes: 0 });
    counts.objects += 1;
    counts.bytes += object.size;
  }
  if (!options.dryRun)
    for (let start = 0; start < plan.collect.length; start += IO_BATCH)
      await Promise.all(plan.collect.slice(start, start + IO_BATCH).map(({ key }) => store.delete(key)));
  return {
    dryRun: options.dryRun,
    collected,
    bytesFreed: plan.collect.reduce((sum, { size }) => sum + size, 0),
    kept: plan.kept,
    sample: plan.collect.slice(0, 100).map(({ key }) => key),
  };
}

/** `POST /v1/manage/gc {dryRun, uploadMaxAgeDays?}`. */
export async function handleGc(
  request: HttpRequest,
  store: ObjectStore,
  uploadPrefix: string,
  now: () => Date,
): Promise<HttpResponse> {
  const body = parseJsonBody(request);
  if (typeof body.dryRun !== 'boolean') throw new BadRequestError('dryRun (true or false) is required', 'dryRun');
  const days = body.uploadMaxAgeDays ?? DEFAULT_UPLOAD_MAX_AGE_DAYS;
  if (typeof days !== 'number' || !Number.isFinite(days) || days < 1 || days > 3650)
    throw new BadRequestError('uploadMaxAgeDays must be a number of days from 1 to 3650', 'uploadMaxAgeDays');
  return jsonResponse(
    200,
    await collectGarbage(store, { dryRun: body.dryRun, uploadPrefix, uploadMaxAgeDays: days, now }),
  );
}
