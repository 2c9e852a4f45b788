import type { RgbImage } from '../image/rgbImage.js';

/** Images stacked into one zero-padded array. */
export interface ImageBatch {
  /** `[B, H, W, C]` float32, each image at the top-left, zeros elsewhere. */
  readonly data: Float32Array;
  readonly batchSize: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Each image's own `[height, width]` inside the padded frame. */
  readonly imageSizes: readonly (readonly [number, number])[];
}

/** A side of `v` pixels padded up to a multiple of `sizeDivisible`, as `padBatch` pads it. */
export const paddedSide = (v: number, sizeDivisible = 32): number =>
  Math.ceil(v / sizeDivisible) * sizeDivisible;

/**
 * Pads images to a common size, rounded up to a multiple of `sizeDivisible` (torchvision's
 * `batch_images`, default 32), and stacks them `[B, H, W, C]`.
 */
export const padBatch = (images: readonly RgbImage[], sizeDivisible = 32): ImageBatch => {
  if (images.length === 0) throw new RangeError('cannot batch zero images');
  const C = images[0]!.channels;
  if (images.some((im) => im.channels !== C))
    throw new RangeError('images in a batch must have the same channel count');
  const H = paddedSide(Math.max(...images.map((im) => im.height)), sizeDivisible);
  const W = paddedSide(Math.max(...images.map((im) => im.width)), sizeDivisible);
  const data = new Float32Array(images.length * H * W * C);
  images.forEach((im, b) => {
    const rowLen = im.width * C;
    for (let y = 0; y < im.height; y++) {
      data.set(im.data.subarray(y * rowLen, (y + 1) * rowLen), (b * H + y) * W * C);
    }
  });
  return {
    data,
    batchSize: images.length,
    height: H,
    width: W,
    channels: C,
    imageSizes: images.map((im) => [im.height, im.width] as const),
  };
};
