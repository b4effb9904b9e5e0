export { bsdiff, bspatch, CorruptPatchError, type BsdiffOptions, type PatchBlocks } from './bsdiff';
