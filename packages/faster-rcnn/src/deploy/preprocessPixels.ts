import type { DetectorManifest } from './detectorManifest.js';

/** RGB or RGBA pixels in [0, 255], row-major (a browser `ImageData` qualifies). */
export interface Pixels {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** A network input: `[height, width, 3]` normalised RGB, and the resize factor (resized / original). */
export interface PreprocessedImage {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly scale: number;
}

const f32 = Math.fround;

/** Resize target of Faster R-CNN (shorter side `minSize`, longer side at most `maxSize`). */
function targetSize(height: number, width: number, minSize: number, maxSize: number) {
  const short = Math.min(height, width);
  const long = Math.max(height, width);
  const scale = Math.min(f32(f32(1 / short) * f32(minSize)), f32(f32(1 / long) * f32(maxSize)));
  const h = Math.floor(height * scale);
  const w = Math.floor(width * scale);
  if (h < 1 || w < 1)
    throw new RangeError(`resizing ${height}x${width} by ${scale} gives an empty ${h}x${w} image`);
  return { height: h, width: w };
}

/** Source taps of half-pixel bilinear resizing along one axis (TF `half_pixel_centers`). */
function axisTaps(inSize: number, outSize: number) {
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
}

/**
 * Turns pixels into the detector's input on the host, with the arithmetic of the training
 * pipeline (`@kd/data-voc-coco-kitti`'s `normalizeImage` then `resizeBilinear`, checked equal by
 * a test), so that Node and browsers feed the network identical numbers whatever the backend.
 *
 * @param pixels RGB or RGBA `[H, W, 3|4]` in [0, 255]; alpha is ignored.
 * @returns `[h, w, 3]` float32, h × w the Faster R-CNN resize of H × W.
 */
export function preprocessPixels(
  pixels: Pixels,
  manifest: Pick<DetectorManifest, 'input' | 'normalization'>,
): PreprocessedImage {
  const { width: W, height: H, data } = pixels;
  const n = W * H;
  const channels = data.length === n * 4 ? 4 : data.length === n * 3 ? 3 : 0;
  if (channels === 0) {
    throw new RangeError(
      `pixels: ${data.length} values for ${W}x${H}; expected ${n * 3} (RGB) or ${n * 4} (RGBA)`,
    );
  }
  const { inputScale, mean, std } = manifest.normalization;
  const m = Float32Array.from(mean);
  const d = Float32Array.from(std);
  const norm = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++)
      norm[3 * p + c] = (f32(data[channels * p + c]! * inputScale) - m[c]!) / d[c]!;
  }
  const size = targetSize(H, W, manifest.input.minSize, manifest.input.maxSize);
  const ys = axisTaps(H, size.height);
  const xs = axisTaps(W, size.width);
  const rowLen = size.width * 3;
  const rowCache = new Map<number, Float32Array>();
  const hrow = (r: number): Float32Array => {
    let row = rowCache.get(r);
    if (row) return row;
    row = new Float32Array(rowLen);
    const base = r * W * 3;
    for (let x = 0; x < size.width; x++) {
      const a = base + xs.i0[x]! * 3;
      const b = base + xs.i1[x]! * 3;
      for (let ch = 0; ch < 3; ch++)
        row[3 * x + ch] = xs.w0[x]! * norm[a + ch]! + xs.w1[x]! * norm[b + ch]!;
    }
    rowCache.set(r, row);
    return row;
  };
  const out = new Float32Array(size.height * rowLen);
  for (let y = 0; y < size.height; y++) {
    const r0 = hrow(ys.i0[y]!);
    const r1 = hrow(ys.i1[y]!);
    for (const k of rowCache.keys()) if (k < ys.i0[y]!) rowCache.delete(k);
    const o = y * rowLen;
    for (let i = 0; i < rowLen; i++) out[o + i] = ys.w0[y]! * r0[i]! + ys.w1[y]! * r1[i]!;
  }
  return { data: out, height: size.height, width: size.width, scale: size.height / H };
}
