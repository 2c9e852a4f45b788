/**
 * The sample points of torchvision `roi_align` along one axis, shared by its two formulations
 * (`roiAlignPlan`: a sparse matrix over pixels; `roiAlignWeights`: one weight matrix per axis).
 * Coordinates are computed with `Math.fround` after each operation, in the order of the C++
 * kernel (`roi_align_common.h`).
 */

export interface RoiAlignGeometry {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly pooledHeight: number;
  readonly pooledWidth: number;
  readonly spatialScale: number;
  readonly samplingRatio: number;
  readonly aligned: boolean;
}

/** Bilinear sample positions along one axis: low/high index and weights, or invalid. */
export interface AxisSamples {
  valid: Uint8Array;
  low: Int32Array;
  high: Int32Array;
  /** Weight of `high` (torchvision's `ly` / `lx`). */
  l: Float64Array;
  /** Weight of `low` (`hy` / `hx`). */
  h: Float64Array;
}

export const newAxis = (n: number): AxisSamples => ({
  valid: new Uint8Array(n),
  low: new Int32Array(n),
  high: new Int32Array(n),
  l: new Float64Array(n),
  h: new Float64Array(n),
});

/**
 * Sample coordinates along one axis for every (bin, grid step), as the C++ kernel computes them
 * (y and x are independent, so the 2-D grid is their outer product).
 */
export function axisSamples(
  out: AxisSamples,
  start: number,
  bin: number,
  pooled: number,
  grid: number,
  size: number,
): void {
  const f = Math.fround;
  for (let p = 0; p < pooled; p++) {
    for (let i = 0; i < grid; i++) {
      const k = p * grid + i;
      const v = f(f(start + f(p * bin)) + f(f(f(i + 0.5) * bin) / grid));
      if (!(v >= -1 && v <= size)) {
        out.valid[k] = 0;
        continue;
      }
      out.valid[k] = 1;
      // biome-ignore lint/complexity/useMathMinMax: mirrors the kernel's `if (y <= 0) y = 0`
      let y = v <= 0 ? 0 : v;
      let lo = Math.trunc(y);
      let hi: number;
      if (lo >= size - 1) {
        hi = lo = size - 1;
        y = lo;
      } else hi = lo + 1;
      const l = f(y - lo);
      out.low[k] = lo;
      out.high[k] = hi;
      out.l[k] = l;
      out.h[k] = f(1 - l);
    }
  }
}

/** One RoI's start, bin size and sampling grid on the feature map, as the C++ kernel computes them. */
export function roiBins(
  rois: ArrayLike<number>,
  k: number,
  g: RoiAlignGeometry,
): {
  startH: number;
  startW: number;
  binH: number;
  binW: number;
  gridH: number;
  gridW: number;
} {
  const f = Math.fround;
  const scale = f(g.spatialScale);
  const offset = g.aligned ? 0.5 : 0;
  const startW = f(f(rois[4 * k]! * scale) - offset);
  const startH = f(f(rois[4 * k + 1]! * scale) - offset);
  const endW = f(f(rois[4 * k + 2]! * scale) - offset);
  const endH = f(f(rois[4 * k + 3]! * scale) - offset);
  let roiW = f(endW - startW);
  let roiH = f(endH - startH);
  if (!g.aligned) {
    roiW = Math.max(roiW, 1);
    roiH = Math.max(roiH, 1);
  }
  const binH = f(roiH / g.pooledHeight);
  const binW = f(roiW / g.pooledWidth);
  const gridH = Math.max(0, g.samplingRatio > 0 ? g.samplingRatio : Math.ceil(binH));
  const gridW = Math.max(0, g.samplingRatio > 0 ? g.samplingRatio : Math.ceil(binW));
  return { startH, startW, binH, binW, gridH, gridW };
}
