export { bsdiff, bspatch, CorruptPatchError } from './bsdiff';
