import { rotationOrder } from './rotationOrder';

/**
 * A bzip2 compressor (the `.bz2` stream libbz2 reads, block size 900k): run-length step, Burrows–Wheeler
 * transform, move-to-front with RUNA/RUNB zero runs, and up to six Huffman tables chosen per 50 symbols with
 * libbz2's four refinement passes. Ours because no well-kept MIT npm package compresses bzip2 (see README).
 */

const BLOCK_MAX = 900_000 - 19; // libbz2's nblockMAX for level 9: room for the run-length step's last run
const GROUP_SIZE = 50;
const MAX_CODE_LENGTH = 17; // libbz2 builds codes of at most 17 bits (its decoder accepts 20)
const REFINE_PASSES = 4;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i += 1) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit += 1) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

class BitWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  private buffer = 0;
  private count = 0;

  write(bits: number, value: number): void {
    // At most 24 bits at a time, so the accumulator never passes 32 bits.
    this.buffer = (this.buffer << bits) | value;
    this.count += bits;
    while (this.count >= 8) {
      this.count -= 8;
      this.push((this.buffer >>> this.count) & 0xff);
    }
    this.buffer &= (1 << this.count) - 1;
  }

  write32(value: number): void {
    this.write(16, (value >>> 16) & 0xffff);
    this.write(16, value & 0xffff);
  }

  finish(): Uint8Array {
    if (this.count > 0) this.push((this.buffer << (8 - this.count)) & 0xff);
    this.count = 0;
    return this.bytes.slice(0, this.length);
  }

  private push(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }
}

/** Huffman code lengths for `freq`, none longer than `maxLength` (libbz2's way: flatten and retry). */
function codeLengths(freq: readonly number[], maxLength: number): number[] {
  const size = freq.length;
  const weights = freq.map((f) => Math.max(f, 1));
  for (;;) {
    // Nodes 0..size-1 are leaves; parents follow. A simple binary heap over node indices.
    const weight = [...weights];
    const parent = new Array<number>(size * 2).fill(-1);
    const heap: number[] = [];
    const less = (a: number, b: number): boolean => weight[a]! < weight[b]! || (weight[a] === weight[b] && a < b);
    const pushHeap = (node: number): void => {
      heap.push(node);
      let at = heap.length - 1;
      while (at > 0) {
        const up = (at - 1) >> 1;
        if (!less(heap[at]!, heap[up]!)) break;
        [heap[at], heap[up]] = [heap[up]!, heap[at]!];
        at = up;
      }
    };
    const popHeap = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let at = 0;
        for (;;) {
          const left = at * 2 + 1;
          const right = left + 1;
          let smallest = at;
          if (left < heap.length && less(heap[left]!, heap[smallest]!)) smallest = left;
          if (right < heap.length && less(heap[right]!, heap[smallest]!)) smallest = right;
          if (smallest === at) break;
          [heap[at], heap[smallest]] = [heap[smallest]!, heap[at]!];
          at = smallest;
        }
      }
      return top;
    };
    for (let i = 0; i < size; i += 1) pushHeap(i);
    let next = size;
    while (heap.length > 1) {
      const a = popHeap();
      const b = popHeap();
      weight[next] = weight[a]! + weight[b]!;
      parent[a] = next;
      parent[b] = next;
      pushHeap(next);
      next += 1;
    }
    const lengths = new Array<number>(size);
    let tooLong = false;
    for (let i = 0; i < size; i += 1) {
      let depth = 0;
      for (let node = i; parent[node]! >= 0; node = parent[node]!) depth += 1;
      lengths[i] = Math.max(depth, 1);
      if (depth > maxLength) tooLong = true;
    }
    if (!tooLong) return lengths;
    for (let i = 0; i < size; i += 1) weights[i] = 1 + Math.floor(weights[i]! / 2);
  }
}

function canonicalCodes(lengths: readonly number[]): number[] {
  const codes = new Array<number>(lengths.length).fill(0);
  let code = 0;
  for (let length = 1; length <= 20; length += 1) {
    for (let symbol = 0; symbol < lengths.length; symbol += 1) if (lengths[symbol] === length) codes[symbol] = code++;
    code <<= 1;
  }
  return codes;
}

/** One block: `block` is the run-length step's output, `crc` the CRC of the original bytes it stands for. */
function writeBlock(out: BitWriter, block: Uint8Array, crc: number): void {
  const n = block.length;
  const order = rotationOrder(block);
  const last = new Uint8Array(n);
  let origin = 0;
  for (let k = 0; k < n; k += 1) {
    const start = order[k]!;
    if (start === 0) origin = k;
    last[k] = block[(start + n - 1) % n]!;
  }

  const inUse = new Array<boolean>(256).fill(false);
  for (let i = 0; i < n; i += 1) inUse[block[i]!] = true;
  const unseqToSeq = new Array<number>(256).fill(0);
  let inUseCount = 0;
  for (let byte = 0; byte < 256; byte += 1) if (inUse[byte]) unseqToSeq[byte] = inUseCount++;
  const alphaSize = inUseCount + 2;
  const endOfBlock = inUseCount + 1;

  // Move-to-front, zero runs as RUNA (0) / RUNB (1) in bijective base 2, other values shifted up by one.
  const symbols = new Uint16Array(n + 1);
  let count = 0;
  const mtf = Uint8Array.from({ length: inUseCount }, (_, i) => i);
  let zeros = 0;
  const flushZeros = (): void => {
    if (zeros === 0) return;
    let run = zeros - 1;
    for (;;) {
      symbols[count++] = run & 1;
      if (run < 2) break;
      run = (run - 2) >> 1;
    }
    zeros = 0;
  };
  for (let i = 0; i < n; i += 1) {
    const value = unseqToSeq[last[i]!]!;
    if (mtf[0] === value) {
      zeros += 1;
      continue;
    }
    flushZeros();
    const position = mtf.indexOf(value, 1);
    mtf.copyWithin(1, 0, position);
    mtf[0] = value;
    symbols[count++] = position + 1;
  }
  flushZeros();
  symbols[count++] = endOfBlock;

  const frequency = new Array<number>(alphaSize).fill(0);
  for (let i = 0; i < count; i += 1) frequency[symbols[i]!]! += 1;
  const groupCount = count < 200 ? 2 : count < 600 ? 3 : count < 1200 ? 4 : count < 2400 ? 5 : 6;

  // Initial tables: consecutive symbol ranges of about equal total frequency (libbz2's start).
  const tables: number[][] = [];
  {
    let remaining = count;
    let low = 0;
    for (let part = groupCount; part > 0; part -= 1) {
      const target = remaining / part;
      let high = low - 1;
      let sum = 0;
      while (sum < target && high < alphaSize - 1) sum += frequency[++high]!;
      if (high > low && part !== groupCount && part !== 1 && (groupCount - part) % 2 === 1) sum -= frequency[high--]!;
      tables.push(Array.from({ length: alphaSize }, (_, symbol) => (symbol >= low && symbol <= high ? 0 : 15)));
      low = high + 1;
      remaining -= sum;
    }
  }

  const selectorCount = Math.ceil(count / GROUP_SIZE);
  const selectors = new Uint8Array(selectorCount);
  let lengths = tables;
  for (let pass = 0; pass < REFINE_PASSES; pass += 1) {
    const counts = Array.from({ length: groupCount }, () => new Array<number>(alphaSize).fill(0));
    for (let group = 0; group < selectorCount; group += 1) {
      const start = group * GROUP_SIZE;
      const end = Math.min(start + GROUP_SIZE, count);
      let best = 0;
      let bestCost = Infinity;
      for (let table = 0; table < groupCount; table += 1) {
        const length = lengths[table]!;
        let cost = 0;
        for (let i = start; i < end; i += 1) cost += length[symbols[i]!]!;
        if (cost < bestCost) {
          bestCost = cost;
          best = table;
        }
      }
      selectors[group] = best;
      const counted = counts[best]!;
      for (let i = start; i < end; i += 1) counted[symbols[i]!]! += 1;
    }
    lengths = counts.map((counted) => codeLengths(counted, MAX_CODE_LENGTH));
  }
  const codes = lengths.map(canonicalCodes);

  out.write(24, 0x314159);
  out.write(24, 0x265359);
  out.write32(crc);
  out.write(1, 0); // not randomised
  out.write(24, origin);
  let rangesUsed = 0;
  for (let range = 0; range < 16; range += 1) {
    for (let byte = range * 16; byte < range * 16 + 16; byte += 1) if (inUse[byte]) rangesUsed |= 0x8000 >>> range;
  }
  out.write(16, rangesUsed);
  for (let range = 0; range < 16; range += 1) {
    if (!(rangesUsed & (0x8000 >>> range))) continue;
    let bits = 0;
    for (let byte = 0; byte < 16; byte += 1) if (inUse[range * 16 + byte]) bits |= 0x8000 >>> byte;
    out.write(16, bits);
  }
  out.write(3, groupCount);
  out.write(15, selectorCount);
  const selectorMtf = Array.from({ length: groupCount }, (_, i) => i);
  for (const selector of selectors) {
    const position = selectorMtf.indexOf(selector);
    for (let j = position; j > 0; j -= 1) selectorMtf[j] = selectorMtf[j - 1]!;
    selectorMtf[0] = selector;
    for (let j = 0; j < position; j += 1) out.write(1, 1);
    out.write(1, 0);
  }
  for (const length of lengths) {
    let current = length[0]!;
    out.write(5, current);
    for (let symbol = 0; symbol < alphaSize; symbol += 1) {
      while (current < length[symbol]!) {
        out.write(2, 2);
        current += 1;
      }
      while (current > length[symbol]!) {
        out.write(2, 3);
        current -= 1;
      }
      out.write(1, 0);
    }
  }
  for (let group = 0; group < selectorCount; group += 1) {
    const table = selectors[group]!;
    const length = lengths[table]!;
    const code = codes[table]!;
    const end = Math.min((group + 1) * GROUP_SIZE, count);
    for (let i = group * GROUP_SIZE; i < end; i += 1) out.write(length[symbols[i]!]!, code[symbols[i]!]!);
  }
}

/** Compresses `input` into one bzip2 stream (`BZh9`), as `bzip2 -9` would, decodable by libbz2. */
export function bzip2Compress(input: Uint8Array): Uint8Array {
  const out = new BitWriter();
  out.write(24, 0x425a68); // "BZh"
  out.write(8, 0x39); // "9": 900k blocks
  let combined = 0;
  const block = new Uint8Array(BLOCK_MAX + 5);
  let at = 0;
  while (at < input.length) {
    // The run-length step: 4 to 255 equal bytes become 4 bytes and a count (0–251) of the rest.
    let length = 0;
    let crc = 0xffffffff;
    while (at < input.length && length < BLOCK_MAX) {
      const byte = input[at]!;
      let run = 1;
      while (run < 255 && at + run < input.length && input[at + run] === byte) run += 1;
      for (let i = 0; i < run; i += 1) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
      if (run >= 4) {
        block.fill(byte, length, length + 4);
        block[length + 4] = run - 4;
        length += 5;
      } else {
        block.fill(byte, length, length + run);
        length += run;
      }
      at += run;
    }
    crc = ~crc >>> 0;
    writeBlock(out, block.subarray(0, length), crc);
    combined = (((combined << 1) | (combined >>> 31)) ^ crc) >>> 0;
  }
  out.write(24, 0x177245);
  out.write(24, 0x385090);
  out.write32(combined);
  return out.finish();
}
