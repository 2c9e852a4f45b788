import type { RgbImage } from '@kd/data-voc-coco-kitti';

/** An RGB colour, 0…255 per channel. */
export type Rgb = readonly [number, number, number];

/** A copy of an image to draw on. */
export interface PixelCanvas {
  /** The copy (drawing changes it; the source image is never changed). */
  readonly image: RgbImage<Uint8Array>;
  /** Sets pixel (x, y) to `colour`; pixels outside the image are ignored (shapes are clipped). */
  readonly put: (x: number, y: number, colour: Rgb) => void;
}

/** A drawable copy of `image`: what box outlines and label strips are drawn onto. */
export function pixelCanvas(image: RgbImage<Uint8Array>): PixelCanvas {
  const { width: W, height: H, channels: C } = image;
  const data = Uint8Array.from(image.data);
  return {
    image: { data, width: W, height: H, channels: C },
    put: (x, y, colour) => {
      if (x < 0 || y < 0 || x >= W || y >= H) return;
      const o = (y * W + x) * C;
      data[o] = colour[0];
      data[o + 1] = colour[1];
      data[o + 2] = colour[2];
    },
  };
}
