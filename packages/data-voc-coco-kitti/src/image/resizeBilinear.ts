import type { RgbImage } from './rgbImage.js';

const f32 = Math.fround;

/** Source indices and weights along one axis, as PyTorch's CPU bilinear kernel computes them. */
const axisTaps = (
  inSize: number,
  outSize: number,
): { i0: Int32Array; i1: Int32Array; w0: Float64Array; w1: Float64Array } => {
  const scale = f32(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize);
  const w1 = new Float64Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(f32(f32(scale * f32(d + 0.5)) - 0.5), 0);
    const lo = Math.floor(src);
    const lambda = f32(src - lo);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = lambda;
    w0[d] = f32(1 - lambda);
  }
  return { i0, i1, w0, w1 };
};

/**
 * Bilinear resize of an `[H, W, C]` image to `[outHeight, outWidth, C]` with PyTorch's
 * `interpolate(mode='bilinear', align_corners=False)` sampling (half-pixel centres, source
 * index clamped at 0, no antialiasing). Pure, float32 output.
 *
 * Computed separably — each needed input row is interpolated horizontally once, then rows are
 * blended vertically — which is PyTorch's own expression
 * `h0 * (w0 * a + w1 * b) + h1 * (w0 * c + w1 * d)` with the inner sums shared.
 */
export const resizeBilinear = (
  img: RgbImage,
  outHeight: number,
  outWidth: number,
): RgbImage<Float32Array> => {
  const { height: H, width: W, channels: C, data } = img;
  const out = new Float32Array(outHeight * outWidth * C);
  const ys = axisTaps(H, outHeight);
  const xs = axisTaps(W, outWidth);
  const rowLen = outWidth * C;
  // Horizontally interpolated input rows, computed once each.
  const rows = new Map<number, Float32Array>();
  const hrow = (r: number): Float32Array => {
    let row = rows.get(r);
    if (row) return row;
    row = new Float32Array(rowLen);
    const base = r * W * C;
    for (let x = 0; x < outWidth; x++) {
      const a = base + xs.i0[x]! * C;
      const b = base + xs.i1[x]! * C;
      const wa = xs.w0[x]!;
      const wb = xs.w1[x]!;
      const o = x * C;
      for (let ch = 0; ch < C; ch++) row[o + ch] = wa * data[a + ch]! + wb * data[b + ch]!;
    }
    rows.set(r, row);
    return row;
  };
  let lastRow = -1;
  for (let y = 0; y < outHeight; y++) {
    const r0 = hrow(ys.i0[y]!);
    const r1 = hrow(ys.i1[y]!);
    // Rows above the current source row are no longer needed (sources only move down).
    if (ys.i0[y]! !== lastRow) {
      for (const k of rows.keys()) if (k < ys.i0[y]!) rows.delete(k);
      lastRow = ys.i0[y]!;
    }
    const wy0 = ys.w0[y]!;
    const wy1 = ys.w1[y]!;
    const o = y * rowLen;
    for (let i = 0; i < rowLen; i++) out[o + i] = wy0 * r0[i]! + wy1 * r1[i]!;
  }
  return { data: out, height: outHeight, width: outWidth, channels: C };
};
