import type { RgbImage } from '@kd/data-voc-coco-kitti';
import { pixelCanvas, type Rgb } from './pixelCanvas.js';

/** A distinct colour per class (1-based), cycling through a qualitative palette. */
export function classColour(label: number): Rgb {
  const palette: readonly Rgb[] = [
    [230, 25, 75],
    [60, 180, 75],
    [255, 225, 25],
    [0, 130, 200],
    [245, 130, 48],
    [145, 30, 180],
    [70, 240, 240],
    [240, 50, 230],
    [210, 245, 60],
    [250, 190, 190],
  ];
  return palette[(label - 1) % palette.length]!;
}

/**
 * Draws box outlines (`thickness` px, the class colour) onto a copy of an RGB image.
 * @param boxes `[D*4]` x1,y1,x2,y2 in the image's pixels; @param labels `[D]` 1…C.
 */
export function drawDetections(
  image: RgbImage<Uint8Array>,
  boxes: Float32Array,
  labels: Int32Array,
  thickness = 2,
): RgbImage<Uint8Array> {
  const { image: out, put } = pixelCanvas(image);
  for (let d = 0; d < labels.length; d++) {
    const c = classColour(labels[d]!);
    const x1 = Math.round(boxes[4 * d]!);
    const y1 = Math.round(boxes[4 * d + 1]!);
    const x2 = Math.round(boxes[4 * d + 2]!) - 1;
    const y2 = Math.round(boxes[4 * d + 3]!) - 1;
    for (let t = 0; t < thickness; t++) {
      for (let x = x1; x <= x2; x++) {
        put(x, y1 + t, c);
        put(x, y2 - t, c);
      }
      for (let y = y1; y <= y2; y++) {
        put(x1 + t, y, c);
        put(x2 - t, y, c);
      }
    }
  }
  return out;
}
