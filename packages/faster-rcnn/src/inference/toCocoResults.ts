import type { Detections } from '../model/types.js';
import { checkDetections } from './checkDetections.js';

/** One entry of a COCO results file (what pycocotools' `loadRes` and `@kd/eval` read). */
export interface CocoResult {
  readonly image_id: number;
  readonly category_id: number;
  /** `[x, y, width, height]` in original-image pixels. */
  readonly bbox: readonly [number, number, number, number];
  readonly score: number;
}

/**
 * Turns detections into a COCO results array `[{image_id, category_id, bbox: [x, y, w, h], score}]`.
 * COCO keeps the dataset's own category ids (1…90 with gaps for COCO 2017), so the caller maps
 * each model label to its id. Boxes are already continuous pixels: `x = x1`, `w = x2 − x1`
 * (computed in double, so `x + w` gives back `x2` exactly). Order: image by image, each image's
 * detections in their given order. Pure; throws `RangeError` on inconsistent input.
 *
 * @param detections one entry per image, boxes `[D*4]` x1,y1,x2,y2 in original-image pixels, labels 1…C.
 * @param imageIds `[images]` COCO `image_id` of each entry of `detections`.
 * @param categoryIds `[C]`: `categoryIds[label − 1]` is the COCO `category_id` of model label `label`.
 * @example
 * JSON.stringify(toCocoResults(await model.predict(batch), [42], [1, 2, 3]));
 */
export function toCocoResults(
  detections: readonly Detections[],
  imageIds: readonly number[],
  categoryIds: readonly number[],
): CocoResult[] {
  checkDetections('toCocoResults', detections, imageIds.length, categoryIds.length);
  const out: CocoResult[] = [];
  detections.forEach((d, i) => {
    const imageId = imageIds[i]!;
    for (let j = 0; j < d.scores.length; j++) {
      const x1 = d.boxes[4 * j]!;
      const y1 = d.boxes[4 * j + 1]!;
      out.push({
        image_id: imageId,
        category_id: categoryIds[d.labels[j]! - 1]!,
        bbox: [x1, y1, d.boxes[4 * j + 2]! - x1, d.boxes[4 * j + 3]! - y1],
        score: d.scores[j]!,
      });
    }
  });
  return out;
}
