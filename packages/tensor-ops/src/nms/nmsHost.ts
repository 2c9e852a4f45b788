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
  const suppress = (i: number, j: number): void => {
    const ix1 = x1[i]!;
    const iy1 = y1[i]!;
    const ix2 = x2[i]!;
    const iy2 = y2[i]!;
    const jx1 = x1[j]!;
    const jy1 = y1[j]!;
    const jx2 = x2[j]!;
    const jy2 = y2[j]!;
    // Ternaries mirror std::min/std::max (and are faster than Math.min/max in this loop).
    // biome-ignore lint/complexity/useMathMinMax: see above
    const w = Math.max(0, f((ix2 < jx2 ? ix2 : jx2) - (ix1 > jx1 ? ix1 : jx1)));
    // biome-ignore lint/complexity/useMathMinMax: see above
    const h = Math.max(0, f((iy2 < jy2 ? iy2 : jy2) - (iy1 > jy1 ? iy1 : jy1)));
    const inter = f(w * h);
    const ovr = f(inter / f(f(area[i]! + area[j]!) - inter));
    if (ovr > iouThreshold) suppressed[j] = 1;
  };
  let finite = true;
  for (let k = 0; k < n && finite; k++) finite = Number.isFinite(x1[k]! + y1[k]! + x2[k]! + y2[k]!);
  if (iouThreshold > 0 && iouThreshold < 1 && finite && n > 256) {
    // IoU > t needs |x1_i - x1_j| < (1 - t) / t * w_i (likewise in y): with an intersection of at
    // most (w - |dx1|) * h of either box and the width ratio bounded by t, a smaller overlap
    // cannot reach t * union. So each kept box only visits the boxes whose x1 falls in that
    // window (found by binary search in x1 order); the IoU test itself is unchanged, hence the
    // same keep list. The window gets a small margin for float32 rounding of the IoU.
    const ratio = (1 - iouThreshold) / iouThreshold + 1e-4;
    const byX = Int32Array.from({ length: n }, (_, k) => k).sort(
      (a, b) => x1[a]! - x1[b]! || a - b,
    );
    const xs = Float64Array.from(byX, (k) => x1[k]!);
    const lowerBound = (v: number): number => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (xs[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    for (let i = 0; i < n && keep.length < maxOutput; i++) {
      if (suppressed[i]) continue;
      keep.push(order[i]!);
      const wi = x2[i]! - x1[i]!;
      const hi = y2[i]! - y1[i]!;
      if (!(wi > 0 && hi > 0)) continue; // an empty box overlaps nothing
      const dx = ratio * wi + 1e-4;
      const dy = ratio * hi + 1e-4;
      const iy1 = y1[i]!;
      const end = lowerBound(x1[i]! + dx);
      for (let p = lowerBound(x1[i]! - dx); p < end; p++) {
        const j = byX[p]!;
        if (j <= i || suppressed[j]) continue;
        const d = y1[j]! - iy1;
        if (d > dy || d < -dy) continue;
        suppress(i, j);
      }
    }
    return Int32Array.from(keep);
  }
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
    for (let j = i + 1; j < n; j++) {
      if (suppressed[j]) continue;
      if (skipDisjoint && (x1[j]! >= ix2 || x2[j]! <= ix1 || y1[j]! >= iy2 || y2[j]! <= iy1))
        continue;
      suppress(i, j);
    }
  }
  return Int32Array.from(keep);
}
