/**
 * The Burrows–Wheeler order of a bzip2 block: the start of every rotation of `block`, rotations sorted. Prefix
 * doubling on cyclic ranks (sort by (rank[i], rank[i+h mod n]) with two counting sorts a pass), stopping as soon
 * as every rank differs, so typical blocks take a few passes; identical rotations (a periodic block) keep any
 * order among themselves, which gives the same transform.
 */
export function rotationOrder(block: Uint8Array): Int32Array {
  const n = block.length;
  let order = new Int32Array(n);
  let rank = new Int32Array(n);
  let next = new Int32Array(n);
  if (n === 0) return order;
  const counts = new Int32Array(Math.max(256, n) + 1);
  for (let i = 0; i < n; i += 1) counts[block[i]! + 1]! += 1;
  for (let i = 1; i <= 256; i += 1) counts[i]! += counts[i - 1]!;
  for (let i = 0; i < n; i += 1) order[counts[block[i]!]!++] = i;
  rank[order[0]!] = 0;
  let classes = 1;
  for (let k = 1; k < n; k += 1) {
    if (block[order[k]!] !== block[order[k - 1]!]) classes += 1;
    rank[order[k]!] = classes - 1;
  }
  let byRank = new Int32Array(n);
  for (let h = 1; classes < n && h < n; h *= 2) {
    // Ordered by the second key: rotation i - h comes where rotation i is.
    for (let k = 0; k < n; k += 1) byRank[k] = (order[k]! - h + n) % n;
    counts.fill(0, 0, classes + 1);
    for (let i = 0; i < n; i += 1) counts[rank[i]! + 1]! += 1;
    for (let c = 1; c <= classes; c += 1) counts[c]! += counts[c - 1]!;
    for (let k = 0; k < n; k += 1) {
      const i = byRank[k]!;
      next[counts[rank[i]!]!++] = i;
    }
    [order, next] = [next, order];
    const newRank = byRank;
    newRank[order[0]!] = 0;
    classes = 1;
    for (let k = 1; k < n; k += 1) {
      const a = order[k]!;
      const b = order[k - 1]!;
      if (rank[a] !== rank[b] || rank[(a + h) % n] !== rank[(b + h) % n]) classes += 1;
      newRank[a] = classes - 1;
    }
    byRank = rank;
    rank = newRank;
  }
  return order;
}
