import type { BoxXyxy } from '../core/sample.js';
import type { RgbImage } from './rgbImage.js';

/** Mirrors an `[H, W, C]` image left-right. Pure; keeps the element type. */
export const flipImageHorizontal = <T extends Uint8Array | Float32Array>(
  img: RgbImage<T>,
): RgbImage<T> => {
  const { height: H, width: W, channels: C } = img;
  const out = new (img.data.constructor as { new (n: number): T })(img.data.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + x) * C;
      const d = (y * W + (W - 1 - x)) * C;
      for (let c = 0; c < C; c++) out[d + c] = img.data[s + c]!;
    }
  }
  return { data: out, height: H, width: W, channels: C };
};

/**
 * Mirrors boxes `[x1, y1, x2, y2]` (continuous pixels) in an image of width `width`:
 * `x1' = width - x2`, `x2' = width - x1` (torchvision's detection reference flip).
 */
export const flipBoxHorizontal = (b: BoxXyxy, width: number): BoxXyxy => [
  width - b[2],
  b[1],
  width - b[0],
  b[3],
];
