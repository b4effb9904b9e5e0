import { gunzipSync } from 'node:zlib';
import {
  BadRequestError,
  jsonResponse,
  listAllKeys,
  NotFoundError,
  patchReleasesForBuild,
  readJson,
  readJsonObject,
  registerBuild,
  type AppRegistry,
  type BuildIdentity,
  type HttpRequest,
  type HttpResponse,
  type Logger,
  type ObjectStore,
  type PatchSettings,
} from '@hotpatch/common';
import {
  nameProblem,
  normalizeAppVersion,
  parseRegisteredBuild,
  registeredBuildId,
  runtimeVersionProblem,
  storageKeys,
  REGISTERED_BUILD_ID_PATTERN,
  UUID_PATTERN,
  type BuildDescription,
  type BuildListResponse,
  type Platform,
  type RegisteredBuild,
  type RegisterBuildResponse,
} from '@hotpatch/core';
import { optionalField } from './parseJsonBody';

export interface BuildDependencies {
  store: ObjectStore;
  registry: AppRegistry;
  now: () => Date;
  tempDirectory: string;
  patches: PatchSettings;
}

/**
 * The largest registration body: the bundle travels gzip'd and base64-encoded in the JSON, so 6 MB carries a JS
 * bundle of about 20 MB (gzip keeps 20–25 %); API Gateway refuses bodies over 8 MB anyway.
 */
const MAX_BUILD_BODY_BYTES = 6 * 1024 * 1024;
async function resolveApp(
  registry: AppRegistry,
  parameters: Record<string, string>,
): Promise<{ app: string; platform: Platform; channels: string[] }> {
  for (const kind of ['app', 'platform'] as const) {
    const problem = nameProblem(kind, parameters[kind]);
    if (problem) throw new BadRequestError(problem, kind);
  }
  const record = await registry.get(parameters.app!);
  if (!record) throw new NotFoundError(`unknown app ${JSON.stringify(parameters.app)}`);
  const platform = parameters.platform as Platform;
  if (!record.platforms.includes(platform))
    throw new NotFoundError(`app ${record.name} has no platform ${JSON.stringify(platform)}`);
  return { app: record.name, platform, channels: Object.keys(record.channels) };
}

function describeBuild(build: RegisteredBuild): BuildDescription {
  return {
    id: registeredBuildId(build),
    kind: build.kind,
    ...(build.kind === 'native'
      ? { binaryVersion: build.binaryVersion }
      : { runtimeVersion: build.runtimeVersion, embeddedUpdateId: build.embeddedUpdateId }),
    bundleSha256: build.bundleSha256,
    size: build.size,
    registeredAt: build.registeredAt,
    by: build.by,
  };
}

function readIdentity(body: Record<string, unknown>): BuildIdentity {
  const binaryVersion = optionalField(body, 'binaryVersion', 'string');
  const runtimeVersion = optionalField(body, 'runtimeVersion', 'string');
  const embeddedUpdateId = optionalField(body, 'embeddedUpdateId', 'string');
  if (binaryVersion !== undefined) {
    if (runtimeVersion !== undefined || embeddedUpdateId !== undefined)
      throw new BadRequestError(
        'give binaryVersion, or runtimeVersion with embeddedUpdateId, not both',
        'binaryVersion',
      );
    const version = normalizeAppVersion(binaryVersion);
    if (!version)
      throw new BadRequestError(`binaryVersion ${JSON.stringify(binaryVersion)} is not a version`, 'binaryVersion');
    return { kind: 'native', binaryVersion: version.version };
  }
  if (runtimeVersion === undefined || runtimeVersion === '')
    throw new BadRequestError('binaryVersion, or runtimeVersion with embeddedUpdateId, is required', 'runtimeVersion');
  const runtimeProblem = runtimeVersionProblem(runtimeVersion);
  if (runtimeProblem) throw new BadRequestError(runtimeProblem, 'runtimeVersion');
  if (embeddedUpdateId === undefined || !UUID_PATTERN.test(embeddedUpdateId))
    throw new BadRequestError('embeddedUpdateId must be a UUID', 'embeddedUpdateId');
  return { kind: 'expo', runtimeVersion, embeddedUpdateId: embeddedUpdateId.toLowerCase() };
}

/**
 * The embedded bundle, unzipped. At most `maxBytes` (the patch input limit, `patchLimits`): a build is
 * registered only to be a patch base, and a larger one would run bsdiff out of publishBundle's memory after
 * the record is written. The same bound stops a gzip bomb.
 */
function readBundle(body: Record<string, unknown>, maxBytes: number): Buffer {
  const encoded = optionalField(body, 'bundleGzipBase64', 'string');
  if (!encoded)
    throw new BadRequestError('bundleGzipBase64 (the gzip’d bundle, base64) is required', 'bundleGzipBase64');
  const megabytes = (maxBytes / 1024 / 1024).toFixed(1);
  let bundle: Buffer;
  try {
    bundle = gunzipSync(Buffer.from(encoded, 'base64'), { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BadRequestError(
        `the bundle is over ${megabytes} MB unzipped, the largest hotpatch makes patches from; such a build cannot be registered`,
        'bundleGzipBase64',
      );
    bundle = Buffer.alloc(0);
  }
  if (bundle.length === 0)
    throw new BadRequestError(
      `bundleGzipBase64 is not a gzip'd bundle of 1 byte to ${megabytes} MB`,
      'bundleGzipBase64',
    );
  return bundle;
}

/**
 * `POST /v1/apps/:app/:platform/builds {binaryVersion | runtimeVersion + embeddedUpdateId, bundleGzipBase64}`:
 * stores the bundle a store build ships and its record (replacing an earlier registration of the same build),
 * then patches from it to the newest release of each channel its devices can receive. Everything is checked
 * before anything is written.
 */
export async function handleRegisterBuild(
  request: HttpRequest,
  dependencies: BuildDependencies,
  logger: Logger,
): Promise<HttpResponse> {
  const { app, platform, channels } = await resolveApp(dependencies.registry, request.pathParameters);
  const body = readJsonObject(request, MAX_BUILD_BODY_BYTES);
  const identity = readIdentity(body);
  const bundle = readBundle(body, dependencies.patches.maxInputBytes);
  const by = request.principal ?? 'unknown';
  const build = await registerBuild(dependencies.store, { app, platform, bundle, ...identity }, dependencies.now(), by);
  let patched: Record<string, string> = {};
  // The registration stands either way; without a patch fresh installs download the full package.
  try {
    patched = await patchReleasesForBuild(dependencies.store, build, channels, {
      logger,
      settings: dependencies.patches,
      tempDirectory: dependencies.tempDirectory,
      by,
      actor: { key: by },
      now: dependencies.now,
      deadline: new Date(dependencies.now().getTime() + dependencies.patches.timeBudgetMs),
    });
  } catch (error) {
    logger.warn('binary patches not built for a registered build', { build: registeredBuildId(build), error });
  }
  return jsonResponse(201, { build: describeBuild(build), patched } satisfies RegisterBuildResponse);
}

/** `GET /v1/apps/:app/:platform/builds`: the registered builds, by id. */
export async function handleListBuilds(request: HttpRequest, dependencies: BuildDependencies): Promise<HttpResponse> {
  const { app, platform } = await resolveApp(dependencies.registry, request.pathParameters);
  const keys = await listAllKeys(dependencies.store, { prefix: storageKeys.buildsPrefix(app, platform) });
  const builds = await Promise.all(keys.map((key) => readJson(dependencies.store, key, parseRegisteredBuild)));
  return jsonResponse(200, {
    builds: builds.filter((build): build is RegisteredBuild => build !== null).map(describeBuild),
  } satisfies BuildListResponse);
}

/**
 * `DELETE /v1/apps/:app/:platform/builds/:build`: forgets a build, so later releases get no patch from it.
 * Patches already recorded stay: each still rebuilds its release from that build's bundle, which the device
 * checks (`fromHash`) before applying.
 */
export async function handleRemoveBuild(request: HttpRequest, dependencies: BuildDependencies): Promise<HttpResponse> {
  const { app, platform } = await resolveApp(dependencies.registry, request.pathParameters);
  const id = request.pathParameters.build ?? '';
  if (!REGISTERED_BUILD_ID_PATTERN.test(id))
    throw new BadRequestError(
      `build ${JSON.stringify(id)} is not a build id (binary-<version> or expo-<uuid>)`,
      'build',
    );
  const key = storageKeys.build(app, platform, id);
  if (!(await dependencies.store.head(key)))
    throw new NotFoundError(`no registered build ${id} for ${app} ${platform}`);
  await dependencies.store.delete(key);
  return { statusCode: 204, headers: {}, body: '' };
}
