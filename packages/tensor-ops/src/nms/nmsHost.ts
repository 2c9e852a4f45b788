/**
 * Hard NMS on host arrays with torchvision's exact arithmetic: IoU computed in float32
 * (`Math.fround` after every operation, in the C++ kernel's order), suppression when
 * `IoU > iouThreshold`, candidates visited by decreasing score (ties: lower index first).
 *
 * @param boxes `[N * 4]` x1,y1,x2,y2 row-major.
 * @param scores `[N]`.
 * @param candidates optional subset of indices to consider (others are ignored).
 * @returns kept indices (into `boxes`) by decreasing score, at most `maxOutput`.
 */
export function nmsHost(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  iouThreshold: number,
  maxOutput = Number.POSITIVE_INFINITY,
  scoreThreshold = Number.NEGATIVE_INFINITY,
  candidates?: Int32Array,
): Int32Array {
  const f = Math.fround;
  const pool: number[] = [];
  const total = candidates ? candidates.length : scores.length;
  for (let t = 0; t < total; t++) {
    const i = candidates ? candidates[t]! : t;
    const s = scores[i]!;
    if (s > scoreThreshold || (scoreThreshold === Number.NEGATIVE_INFINITY && !Number.isNaN(s)))
      pool.push(i);
  }
  const order = Int32Array.from(pool);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const n = order.length;
  // Sorted structure-of-arrays copies: the inner loop then reads memory sequentially.
  const x1 = new Float64Array(n);
  const y1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y2 = new Float64Array(n);
  const area = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const o = 4 * order[k]!;
    x1[k] = f(boxes[o]!);
    y1[k] = f(boxes[o + 1]!);
    x2[k] = f(boxes[o + 2]!);
    y2[k] = f(boxes[o + 3]!);
    area[k] = f(f(x2[k]! - x1[k]!) * f(y2[k]! - y1[k]!));
  }
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  // A pair that does not overlap has IoU 0 (or NaN): it can only suppress when the threshold is
  // negative, so the overlap test below is a safe early exit for the usual thresholds.
  const skipDisjoint = iouThreshold >= 0;
  for (let i = 0; i < n && keep.length < maxOutput; i++) {
    if (suppressed[i]) continue;
    keep.push(order[i]!);
    const ix1 = x1[i]!;
    const iy1 = y1[i]!;
    const ix2 = x2[i]!;
    const iy2 = y2[i]!;
    const ia = area[i]!;
    for (let j = i + 1; j < n; j++) {
      if (suppressed[j]) continue;
      const jx1 = x1[j]!;
      const jx2 = x2[j]!;
      if (skipDisjoint && (jx1 >= ix2 || jx2 <= ix1)) continue;
      const jy1 = y1[j]!;
      const jy2 = y2[j]!;
      if (skipDisjoint && (jy1 >= iy2 || jy2 <= iy1)) continue;
      // Ternaries mirror std::min/std::max (and are faster than Math.min/max in this loop).
      // biome-ignore lint/complexity/useMathMinMax: see above
      const w = Math.max(0, f((ix2 < jx2 ? ix2 : jx2) - (ix1 > jx1 ? ix1 : jx1)));
      // biome-ignore lint/complexity/useMathMinMax: see above
      const h = Math.max(0, f((iy2 < jy2 ? iy2 : jy2) - (iy1 > jy1 ? iy1 : jy1)));
      const inter = f(w * h);
      const ovr = f(inter / f(f(ia + area[j]!) - inter));
      if (ovr > iouThreshold) suppressed[j] = 1;
    }
  }
  return Int32Array.from(keep);
}
