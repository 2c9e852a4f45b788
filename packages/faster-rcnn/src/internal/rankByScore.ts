/**
 * Indices of float32 `scores` ordered by score descending, ties by lower index first, `-0` equal
 * to `+0`, NaN last (by index). The same order as `sort((a, b) => s[b] - s[a] || a - b)` where
 * that comparator is consistent (it is not with NaN, which it leaves to the sort algorithm),
 * ~3× faster (hostBoxesBench): each element becomes one float64 key (its score's bit pattern made monotonic, then
 * its index), sorted numerically without a comparator call.
 *
 * @param scores `[N]` float32 scores.
 * @param indexBits bits reserved for the index in a key; `N` beyond `2^indexBits` falls back to a
 *   comparator over the same keys (tests lower it to reach that path).
 * @returns `[N]` indices.
 */
export function rankByScore(scores: Float32Array, indexBits = 21): Int32Array {
  const n = scores.length;
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
  const descending = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let u = bits[i]!;
    if ((u & 0x7fffffff) > 0x7f800000) {
      descending[i] = 0xffffffff;
      continue;
    }
    if (u === 0x80000000) u = 0;
    // Negative floats order reversed by their bits: flip all of them; positives: set the sign.
    const ascending = u >>> 31 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
    descending[i] = 0xffffffff - ascending;
  }
  const order = new Int32Array(n);
  const span = 2 ** indexBits;
  if (n > span || 32 + indexBits > 53) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => descending[a]! - descending[b]! || a - b);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = descending[i]! * span + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i]! % span;
  return order;
}
