import type { RgbImage } from '@kd/data-voc-coco-kitti';
import { PNG } from 'pngjs';

/** An RGB image (`[H, W, 3]` bytes) as a `data:image/png;base64,…` URI, for self-contained pages. */
export function pngDataUri(image: RgbImage<Uint8Array>): string {
  const { width: W, height: H, channels: C } = image;
  const png = new PNG({ width: W, height: H });
  for (let p = 0; p < W * H; p++) {
    png.data[4 * p] = image.data[C * p]!;
    png.data[4 * p + 1] = image.data[C * p + (C > 1 ? 1 : 0)]!;
    png.data[4 * p + 2] = image.data[C * p + (C > 2 ? 2 : 0)]!;
    png.data[4 * p + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
