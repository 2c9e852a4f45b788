import type { BoxXyxy } from '../core/sample.js';

/**
 * COCO's uncompressed RLE (column-major, runs alternating background/foreground, starting with
 * background) of the pixels whose centres lie inside `box`, for an image of `width x height`.
 * Used as the segmentation of crowd regions that have only a box.
 */
export const boxRle = (
  box: BoxXyxy,
  width: number,
  height: number,
): { counts: number[]; size: [number, number] } => {
  const cx1 = Math.max(0, Math.round(box[0]));
  const cx2 = Math.min(width, Math.round(box[2]));
  const ry1 = Math.max(0, Math.round(box[1]));
  const ry2 = Math.min(height, Math.round(box[3]));
  const counts: number[] = [];
  if (cx2 <= cx1 || ry2 <= ry1) return { counts: [width * height], size: [height, width] };
  const fgPerCol = ry2 - ry1;
  const bgBetween = height - fgPerCol;
  counts.push(cx1 * height + ry1);
  for (let x = cx1; x < cx2; x++) {
    counts.push(fgPerCol);
    if (x < cx2 - 1) counts.push(bgBetween);
  }
  counts.push(height - ry2 + (width - cx2) * height);
  return { counts, size: [height, width] };
};
