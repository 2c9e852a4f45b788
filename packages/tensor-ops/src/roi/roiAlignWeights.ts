import {
  type AxisSamples,
  axisSamples,
  newAxis,
  type RoiAlignGeometry,
  roiBins,
} from './roiAlignSamples.js';

/**
 * The bilinear sampling of torchvision `roi_align` as two per-axis weight matrices: RoIAlign is
 * separable (a sample contributes `wy · wx`, dropped when either axis is out of range, averaged
 * over the `gridH × gridW` samples of a bin), so output cell `(k, ph, pw)` is
 * `Σ_y Σ_x wy[k, ph, y] · wx[k, pw, x] · F[b_k, y, x]`: two small matrix products on the backend
 * instead of a per-sample loop on the host.
 *
 * Coordinates are computed with `Math.fround` after each operation, in the order of the C++
 * kernel (`roi_align_common.h`), so that sample points, bin grids and the out-of-range rules
 * (`y < -1 || y > H` contributes 0; clamped at 0; `y_low >= H - 1` snaps to the last row) fall
 * exactly as in torchvision's float32 computation.
 */
export interface RoiAlignWeights {
  /** `[K, PH, H]`: weight of feature row `y` in output row `ph` of RoI `k` (÷ gridH). */
  readonly wy: Float32Array;
  /** `[K, PW, W]`: weight of feature column `x` in output column `pw` of RoI `k` (÷ gridW). */
  readonly wx: Float32Array;
}

/** Adds one RoI's samples along an axis into its `[pooled, size]` block of `out` (÷ grid). */
function accumulateAxis(
  out: Float32Array,
  offset: number,
  s: AxisSamples,
  pooled: number,
  grid: number,
  size: number,
): void {
  const acc = new Float64Array(pooled * size);
  for (let p = 0; p < pooled; p++) {
    for (let i = 0; i < grid; i++) {
      const k = p * grid + i;
      if (!s.valid[k]) continue;
      acc[p * size + s.low[k]!]! += s.h[k]!;
      acc[p * size + s.high[k]!]! += s.l[k]!;
    }
  }
  const n = Math.max(grid, 1);
  for (let j = 0; j < acc.length; j++) out[offset + j] = acc[j]! / n;
}

/**
 * @param rois `[K * 4]` x1,y1,x2,y2 in image coordinates.
 * @param batchIndices `[K]` image of each RoI (must be in `[0, batch)`).
 */
export function roiAlignWeights(
  rois: ArrayLike<number>,
  batchIndices: ArrayLike<number>,
  g: RoiAlignGeometry,
): RoiAlignWeights {
  const { height: H, width: W, pooledHeight: PH, pooledWidth: PW } = g;
  const K = batchIndices.length;
  const wy = new Float32Array(K * PH * H);
  const wx = new Float32Array(K * PW * W);
  let ys = newAxis(PH);
  let xs = newAxis(PW);
  for (let k = 0; k < K; k++) {
    const b = batchIndices[k]!;
    if (!(b >= 0 && b < g.batch) || !Number.isInteger(b)) {
      throw new Error(`roiAlign: batch index ${b} of RoI ${k} is outside [0, ${g.batch})`);
    }
    const { startH, startW, binH, binW, gridH, gridW } = roiBins(rois, k, g);
    if (ys.valid.length < PH * gridH) ys = newAxis(PH * gridH);
    if (xs.valid.length < PW * gridW) xs = newAxis(PW * gridW);
    axisSamples(ys, startH, binH, PH, gridH, H);
    axisSamples(xs, startW, binW, PW, gridW, W);
    accumulateAxis(wy, k * PH * H, ys, PH, gridH, H);
    accumulateAxis(wx, k * PW * W, xs, PW, gridW, W);
  }
  return { wy, wx };
}
