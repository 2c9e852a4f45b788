import type { RgbImage } from './rgbImage.js';

const f32 = Math.fround;

/** Source indices and weights along one axis, as PyTorch's CPU bilinear kernel computes them. */
const axisTaps = (inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w0: Float64Array; w1: Float64Array } => {
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
 */
export const resizeBilinear = (img: RgbImage, outHeight: number, outWidth: number): RgbImage<Float32Array> => {
  const { height: H, width: W, channels: C, data } = img;
  const out = new Float32Array(outHeight * outWidth * C);
  const ys = axisTaps(H, outHeight);
  const xs = axisTaps(W, outWidth);
  for (let y = 0; y < outHeight; y++) {
    const r0 = ys.i0[y]! * W;
    const r1 = ys.i1[y]! * W;
    const wy0 = ys.w0[y]!;
    const wy1 = ys.w1[y]!;
    for (let x = 0; x < outWidth; x++) {
      const c0 = xs.i0[x]!;
      const c1 = xs.i1[x]!;
      const wx0 = xs.w0[x]!;
      const wx1 = xs.w1[x]!;
      const a = (r0 + c0) * C;
      const b = (r0 + c1) * C;
      const c = (r1 + c0) * C;
      const d = (r1 + c1) * C;
      const o = (y * outWidth + x) * C;
      for (let ch = 0; ch < C; ch++) {
        out[o + ch] = wy0 * (wx0 * data[a + ch]! + wx1 * data[b + ch]!) + wy1 * (wx0 * data[c + ch]! + wx1 * data[d + ch]!);
      }
    }
  }
  return { data: out, height: outHeight, width: outWidth, channels: C };
};
