export { buildBinaryPatches, BSDIFF_ENGINE, type PatchBuildOptions, type PatchEngine } from './buildBinaryPatches';
export { patchLimits, readPatchSettings, type PatchSettings } from './patchSettings';
export { patchReleasesForBuild, registerBuild, type BuildIdentity } from './registerBuild';
