import type { RgbImage } from './rgbImage.js';

/** ImageNet statistics on the [0, 1] scale (torchvision's detection defaults). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface NormalizeOptions {
  /** Per-channel mean, on the scale after `inputScale` (default ImageNet). */
  readonly mean?: readonly number[];
  /** Per-channel standard deviation (default ImageNet). */
  readonly std?: readonly number[];
  /** Multiplier applied to the pixel values first (default 1/255: uint8 to [0, 1]). */
  readonly inputScale?: number;
}

/** `(x * inputScale - mean[c]) / std[c]` per channel, `[H, W, C]` float32 out. Pure. */
export const normalizeImage = (img: RgbImage, o: NormalizeOptions = {}): RgbImage<Float32Array> => {
  const mean = o.mean ?? IMAGENET_MEAN;
  const std = o.std ?? IMAGENET_STD;
  const s = o.inputScale ?? 1 / 255;
  const C = img.channels;
  if (mean.length !== C || std.length !== C) {
    throw new RangeError(
      `mean/std have ${mean.length}/${std.length} values; the image has ${C} channels`,
    );
  }
  const m = Float32Array.from(mean);
  const d = Float32Array.from(std);
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i += C) {
    for (let c = 0; c < C; c++) out[i + c] = (Math.fround(img.data[i + c]! * s) - m[c]!) / d[c]!;
  }
  return { data: out, height: img.height, width: img.width, channels: C };
};
