/**
 * The suffix array of `data` by Larsson–Sadakane prefix doubling ("qsufsort", as in Percival's bsdiff): entry 0
 * is the empty suffix (`data.length`), then every suffix start in lexicographic order. `n + 1` entries; two
 * `Int32Array`s of `n + 1` entries are all the memory it takes (8 bytes per input byte).
 */
export function suffixArray(data: Uint8Array): Int32Array {
  const size = data.length;
  const I = new Int32Array(size + 1);
  const V = new Int32Array(size + 1);
  const buckets = new Int32Array(256);
  for (let i = 0; i < size; i += 1) buckets[data[i]!]! += 1;
  for (let i = 1; i < 256; i += 1) buckets[i]! += buckets[i - 1]!;
  for (let i = 255; i > 0; i -= 1) buckets[i] = buckets[i - 1]!;
  buckets[0] = 0;
  for (let i = 0; i < size; i += 1) I[++buckets[data[i]!]!] = i;
  I[0] = size;
  for (let i = 0; i < size; i += 1) V[i] = buckets[data[i]!]!;
  V[size] = 0;
  for (let i = 1; i < 256; i += 1) if (buckets[i] === buckets[i - 1]! + 1) I[buckets[i]!] = -1;
  I[0] = -1;

  for (let h = 1; I[0] !== -(size + 1); h += h) {
    let length = 0;
    let i = 0;
    while (i < size + 1) {
      if (I[i]! < 0) {
        length -= I[i]!;
        i -= I[i]!;
      } else {
        if (length) I[i - length] = -length;
        length = V[I[i]!]! + 1 - i;
        split(I, V, i, length, h);
        i += length;
        length = 0;
      }
    }
    if (length) I[i - length] = -length;
  }
  for (let i = 0; i < size + 1; i += 1) I[V[i]!] = i;
  return I;
}

/** Sorts the group `I[start, start+length)` by the rank `h` positions further on (ternary split quicksort). */
function split(I: Int32Array, V: Int32Array, start: number, length: number, h: number): void {
  // An explicit stack instead of recursion (long equal runs would nest deeper than the JS stack), in the
  // recursion's order: left part, then the middle's rank, then the right part. Ranks must stay ordered while a
  // pass runs (unsplit parts keep the group's highest rank), so the middle is ranked only after the left is.
  // Frames are (start, length); a negative start marks "rank the middle [-start-1, -start-1+length)".
  const stack: number[] = [start, length];
  while (stack.length > 0) {
    const len = stack.pop()!;
    const st = stack.pop()!;
    if (st < 0) {
      const jj = -st - 1;
      const kk = jj + len;
      for (let m = jj; m < kk; m += 1) V[I[m]!] = kk - 1;
      if (jj === kk - 1) I[jj] = -1;
      continue;
    }
    if (len < 16) {
      for (let k = st; k < st + len;) {
        let j = 1;
        let x = V[I[k]! + h]!;
        for (let i = 1; k + i < st + len; i += 1) {
          const value = V[I[k + i]! + h]!;
          if (value < x) {
            x = value;
            j = 0;
          }
          if (value === x) {
            const tmp = I[k + j]!;
            I[k + j] = I[k + i]!;
            I[k + i] = tmp;
            j += 1;
          }
        }
        for (let i = 0; i < j; i += 1) V[I[k + i]!] = k + j - 1;
        if (j === 1) I[k] = -1;
        k += j;
      }
      continue;
    }
    const x = V[I[st + (len >> 1)]! + h]!;
    let jj = 0;
    let kk = 0;
    for (let i = st; i < st + len; i += 1) {
      const value = V[I[i]! + h]!;
      if (value < x) jj += 1;
      if (value === x) kk += 1;
    }
    jj += st;
    kk += jj;
    let i = st;
    let j = 0;
    let k = 0;
    while (i < jj) {
      const value = V[I[i]! + h]!;
      if (value < x) i += 1;
      else if (value === x) {
        const tmp = I[i]!;
        I[i] = I[jj + j]!;
        I[jj + j] = tmp;
        j += 1;
      } else {
        const tmp = I[i]!;
        I[i] = I[kk + k]!;
        I[kk + k] = tmp;
        k += 1;
      }
    }
    while (jj + j < kk) {
      if (V[I[jj + j]! + h] === x) j += 1;
      else {
        const tmp = I[jj + j]!;
        I[jj + j] = I[kk + k]!;
        I[kk + k] = tmp;
        k += 1;
      }
    }
    if (st + len > kk) stack.push(kk, st + len - kk);
    stack.push(-jj - 1, kk - jj);
    if (jj > st) stack.push(st, jj - st);
  }
}
