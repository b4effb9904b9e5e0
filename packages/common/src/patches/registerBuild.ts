import { createHash } from 'node:crypto';
import {
  registeredBuildId,
  storageKeys,
  type DeploymentRef,
  type Platform,
  type RegisteredBuild,
  type Release,
  buildCanReceive,
} from '@hotpatch/core';
import { ObjectExistsError } from '../errors';
import { loadDeploymentState } from '../releases/loadDeploymentState';
import { writeJson } from '../storage/readJson';
import type { ObjectStore } from '../storage/ObjectStore';
import { buildBinaryPatches, type PatchBuildOptions } from './buildBinaryPatches';

export type BuildIdentity =
  { kind: 'native'; binaryVersion: string } | { kind: 'expo'; runtimeVersion: string; embeddedUpdateId: string };

/**
 * Stores a store build's embedded bundle (private, by the SHA-256 of its bytes) and its record (replacing an
 * earlier registration of the same build), so fresh installs of that build can get patches.
 */
export async function registerBuild(
  store: ObjectStore,
  input: { app: string; platform: Platform; bundle: Buffer } & BuildIdentity,
  registeredAt: Date,
  by: string,
): Promise<RegisteredBuild> {
  const bundleSha256 = createHash('sha256').update(input.bundle).digest('hex');
  const bundleKey = storageKeys.buildBundle(bundleSha256);
  if (!(await store.head(bundleKey))) {
    try {
      await store.put(bundleKey, input.bundle, { contentType: 'application/octet-stream', forbidOverwrite: true });
    } catch (error) {
      if (!(error instanceof ObjectExistsError)) throw error;
    }
  }
  const { bundle: _bytes, ...identity } = input;
  const build = {
    ...identity,
    bundleSha256,
    bundleKey,
    size: input.bundle.length,
    registeredAt: registeredAt.toISOString(),
    by,
  };
  await writeJson(store, storageKeys.build(input.app, input.platform, registeredBuildId(build)), build);
  return build;
}

/**
 * Patches from a newly registered build to what its devices would be offered: in each channel, the newest
 * release it can receive. Returns the labels that gained one, by channel.
 */
export async function patchReleasesForBuild(
  store: ObjectStore,
  build: RegisteredBuild,
  channels: readonly string[],
  options: PatchBuildOptions,
): Promise<Record<string, string>> {
  const patched: Record<string, string> = {};
  for (const channel of channels) {
    const deployment: DeploymentRef = { app: build.app, platform: build.platform, channel };
    const state = await loadDeploymentState(store, deployment);
    const newest = [...state.releases]
      .reverse()
      .find((release: Release) => !release.disabled && buildCanReceive(build, release));
    if (!newest) continue;
    if ((await buildBinaryPatches(store, deployment, newest.label, options, build)) > 0)
      patched[channel] = newest.label;
  }
  return patched;
}
