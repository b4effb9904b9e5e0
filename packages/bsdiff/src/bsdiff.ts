import Bunzip from 'seek-bzip';
import { bzip2Compress } from './bzip2';
import { suffixArray } from './suffixArray';

/** The 8-byte magic of Percival's format. */
const MAGIC = 'BSDIFF40';
const HEADER_SIZE = 32;

/** Writes `value` as bsdiff's 8-byte little-endian sign-magnitude integer. */
function writeOffset(value: number, target: Uint8Array, at: number): void {
  let magnitude = Math.abs(value);
  for (let i = 0; i < 8; i += 1) {
    target[at + i] = magnitude % 256;
    magnitude = Math.floor(magnitude / 256);
  }
  if (value < 0) target[at + 7]! |= 0x80;
}

function readOffset(source: Uint8Array, at: number): number {
  let magnitude = source[at + 7]! & 0x7f;
  for (let i = 6; i >= 0; i -= 1) magnitude = magnitude * 256 + source[at + i]!;
  return source[at + 7]! & 0x80 ? -magnitude : magnitude;
}

// Long equal stretches are common (a bundle against its previous version), so past the first bytes both
// comparisons hand whole chunks to Buffer's native memcmp (views made once per diff, no copies).
const CHUNK = 64;

function matchLength(old: Buffer, oldStart: number, target: Buffer, targetStart: number): number {
  const limit = Math.min(old.length - oldStart, target.length - targetStart);
  let i = 0;
  while (i < limit && i < CHUNK && old[oldStart + i] === target[targetStart + i]) i += 1;
  if (i < CHUNK) return i;
  while (
    i + CHUNK <= limit &&
    old.compare(target, targetStart + i, targetStart + i + CHUNK, oldStart + i, oldStart + i + CHUNK) === 0
  )
    i += CHUNK;
  while (i < limit && old[oldStart + i] === target[targetStart + i]) i += 1;
  return i;
}

/** memcmp(old + oldStart, target + targetStart, min(both lengths)) < 0 */
function sortsBefore(old: Buffer, oldStart: number, target: Buffer, targetStart: number): boolean {
  const limit = Math.min(old.length - oldStart, target.length - targetStart);
  for (let i = 0; i < limit && i < 16; i += 1) {
    const a = old[oldStart + i]!;
    const b = target[targetStart + i]!;
    if (a !== b) return a < b;
  }
  if (limit <= 16) return false;
  return old.compare(target, targetStart, targetStart + limit, oldStart, oldStart + limit) < 0;
}

/**
 * The longest match of `target[scan…]` in `old`, by binary search over the suffix array (bsdiff's `search`):
 * returns its length and leaves its position in `found.position` (no object per call: this runs once per byte).
 */
function search(I: Int32Array, old: Buffer, target: Buffer, scan: number, found: { position: number }): number {
  let start = 0;
  let end = old.length;
  while (end - start >= 2) {
    const middle = start + ((end - start) >> 1);
    if (sortsBefore(old, I[middle]!, target, scan)) start = middle;
    else end = middle;
  }
  const x = matchLength(old, I[start]!, target, scan);
  const y = matchLength(old, I[end]!, target, scan);
  found.position = x > y ? I[start]! : I[end]!;
  return x > y ? x : y;
}

class ByteSink {
  bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(capacity, 16));
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** The uncompressed blocks of a patch, before bzip2: what `BsdiffOptions.abandonIf` may look at. */
export interface PatchBlocks {
  /** Bytes added to old bytes (mostly zeros where the files agree). */
  diff: Uint8Array;
  /** New bytes copied as they are. */
  extra: Uint8Array;
}

export interface BsdiffOptions {
  /**
   * Called once matching is done, before the (slow) compression: returning true abandons the patch and
   * `bsdiff` returns undefined. Lets a caller with a size budget skip hopeless patches cheaply.
   */
  abandonIf?: (blocks: PatchBlocks) => boolean;
}

/**
 * A BSDIFF40 patch that turns `old` into `target`: Colin Percival's bsdiff 4.3 (the algorithm and format of
 * Debian's `bsdiff`, which `bspatch` and expo-updates' vendored bspatch apply) with our bzip2 compressor.
 * Takes memory for two `Int32Array`s of `old.length + 1` entries plus about twice `target.length`.
 */
export function bsdiff(oldBytes: Uint8Array, targetBytes: Uint8Array): Uint8Array;
export function bsdiff(oldBytes: Uint8Array, targetBytes: Uint8Array, options: BsdiffOptions): Uint8Array | undefined;
export function bsdiff(
  oldBytes: Uint8Array,
  targetBytes: Uint8Array,
  options: BsdiffOptions = {},
): Uint8Array | undefined {
  const old = Buffer.from(oldBytes.buffer, oldBytes.byteOffset, oldBytes.byteLength);
  const target = Buffer.from(targetBytes.buffer, targetBytes.byteOffset, targetBytes.byteLength);
  const I = suffixArray(old);
  const oldSize = old.length;
  const newSize = target.length;
  const control: number[] = [];
  const diff = new Uint8Array(newSize);
  let diffLength = 0;
  const extra = new ByteSink(1024);

  const found = { position: 0 };
  let scan = 0;
  let length = 0;
  let position = 0;
  let lastScan = 0;
  let lastPosition = 0;
  let lastOffset = 0;
  while (scan < newSize) {
    let oldScore = 0;
    let scsc = (scan += length);
    for (; scan < newSize; scan += 1) {
      length = search(I, old, target, scan, found);
      position = found.position;
      for (; scsc < scan + length; scsc += 1)
        if (scsc + lastOffset < oldSize && old[scsc + lastOffset] === target[scsc]) oldScore += 1;
      if ((length === oldScore && length !== 0) || length > oldScore + 8) break;
      if (scan + lastOffset < oldSize && old[scan + lastOffset] === target[scan]) oldScore -= 1;
    }
    if (length === oldScore && scan !== newSize) continue;

    let s = 0;
    let best = 0;
    let forward = 0;
    for (let i = 0; lastScan + i < scan && lastPosition + i < oldSize;) {
      if (old[lastPosition + i] === target[lastScan + i]) s += 1;
      i += 1;
      if (s * 2 - i > best * 2 - forward) {
        best = s;
        forward = i;
      }
    }
    let backward = 0;
    if (scan < newSize) {
      s = 0;
      best = 0;
      for (let i = 1; scan >= lastScan + i && position >= i; i += 1) {
        if (old[position - i] === target[scan - i]) s += 1;
        if (s * 2 - i > best * 2 - backward) {
          best = s;
          backward = i;
        }
      }
    }
    if (lastScan + forward > scan - backward) {
      const overlap = lastScan + forward - (scan - backward);
      s = 0;
      best = 0;
      let shift = 0;
      for (let i = 0; i < overlap; i += 1) {
        if (target[lastScan + forward - overlap + i] === old[lastPosition + forward - overlap + i]) s += 1;
        if (target[scan - backward + i] === old[position - backward + i]) s -= 1;
        if (s > best) {
          best = s;
          shift = i + 1;
        }
      }
      forward += shift - overlap;
      backward -= shift;
    }

    for (let i = 0; i < forward; i += 1) diff[diffLength + i] = (target[lastScan + i]! - old[lastPosition + i]!) & 0xff;
    const extraLength = scan - backward - (lastScan + forward);
    extra.reserve(extraLength);
    extra.bytes.set(target.subarray(lastScan + forward, lastScan + forward + extraLength), extra.length);
    diffLength += forward;
    extra.length += extraLength;
    control.push(forward, extraLength, position - backward - (lastPosition + forward));
    lastScan = scan - backward;
    lastPosition = position - backward;
    lastOffset = position - scan;
  }

  if (options.abandonIf?.({ diff: diff.subarray(0, diffLength), extra: extra.view() })) return undefined;
  const controlBytes = new Uint8Array(control.length * 8);
  control.forEach((value, index) => writeOffset(value, controlBytes, index * 8));
  const blocks = [controlBytes, diff.subarray(0, diffLength), extra.view()].map(bzip2Compress);
  const patch = new Uint8Array(HEADER_SIZE + blocks.reduce((sum, block) => sum + block.length, 0));
  for (let i = 0; i < MAGIC.length; i += 1) patch[i] = MAGIC.charCodeAt(i);
  writeOffset(blocks[0]!.length, patch, 8);
  writeOffset(blocks[1]!.length, patch, 16);
  writeOffset(newSize, patch, 24);
  let at = HEADER_SIZE;
  for (const block of blocks) {
    patch.set(block, at);
    at += block.length;
  }
  return patch;
}

/** A patch that is not a well-formed BSDIFF40 patch, or does not fit the old file it is applied to. */
export class CorruptPatchError extends Error {
  override readonly name = 'CorruptPatchError';
}

function bunzip(block: Uint8Array, what: string): Uint8Array {
  try {
    return new Uint8Array(Bunzip.decode(Buffer.from(block.buffer, block.byteOffset, block.byteLength)));
  } catch (error) {
    throw new CorruptPatchError(`the ${what} block is not bzip2 data (${String(error)})`);
  }
}

/** Applies a BSDIFF40 patch to `old` exactly as `bspatch` does; throws `CorruptPatchError` on a malformed patch. */
export function bspatch(old: Uint8Array, patch: Uint8Array): Uint8Array {
  if (patch.length < HEADER_SIZE || String.fromCharCode(...patch.subarray(0, 8)) !== MAGIC)
    throw new CorruptPatchError('not a BSDIFF40 patch');
  const controlLength = readOffset(patch, 8);
  const diffLength = readOffset(patch, 16);
  const newSize = readOffset(patch, 24);
  if (controlLength < 0 || diffLength < 0 || newSize < 0 || HEADER_SIZE + controlLength + diffLength > patch.length)
    throw new CorruptPatchError('the header does not fit the patch');
  const control = bunzip(patch.subarray(HEADER_SIZE, HEADER_SIZE + controlLength), 'control');
  const diff = bunzip(patch.subarray(HEADER_SIZE + controlLength, HEADER_SIZE + controlLength + diffLength), 'diff');
  const extra = bunzip(patch.subarray(HEADER_SIZE + controlLength + diffLength), 'extra');

  const target = new Uint8Array(newSize);
  let oldPosition = 0;
  let newPosition = 0;
  let controlAt = 0;
  let diffAt = 0;
  let extraAt = 0;
  while (newPosition < newSize) {
    if (controlAt + 24 > control.length) throw new CorruptPatchError('the control block ends early');
    const copy = readOffset(control, controlAt);
    const insert = readOffset(control, controlAt + 8);
    const seek = readOffset(control, controlAt + 16);
    controlAt += 24;
    if (copy < 0 || insert < 0 || newPosition + copy > newSize || diffAt + copy > diff.length)
      throw new CorruptPatchError('a control entry runs past the new file');
    for (let i = 0; i < copy; i += 1) {
      const from = oldPosition + i;
      target[newPosition + i] = (diff[diffAt + i]! + (from >= 0 && from < old.length ? old[from]! : 0)) & 0xff;
    }
    diffAt += copy;
    newPosition += copy;
    oldPosition += copy;
    if (newPosition + insert > newSize || extraAt + insert > extra.length)
      throw new CorruptPatchError('a control entry runs past the new file');
    target.set(extra.subarray(extraAt, extraAt + insert), newPosition);
    extraAt += insert;
    newPosition += insert;
    oldPosition += seek;
  }
  return target;
}
