import type { Detection } from '@kd/data-voc-coco-kitti';
import type { Detections } from '../model/types.js';
import { checkDetections } from './checkDetections.js';

/**
 * A batch's `predict` output as `@kd/data-voc-coco-kitti` detections, the one shape its results
 * writers (`writeVocResults`, `writeCocoResults`, `writeKittiResults`) and their text functions
 * take: one entry per detection, image by image in the given order, label `l` (1…C) as class
 * index `l − 1`, boxes x1,y1,x2,y2 in original-image pixels as they are. Pure; throws `RangeError`
 * on inconsistent input (see `checkDetections`).
 *
 * @param detections one entry per image, boxes `[D*4]`, scores `[D]`, labels `[D]` in 1…numClasses.
 * @param imageIds `[images]` the dataset's id of each entry (`Sample.id`).
 * @param numClasses C, the model's foreground classes.
 * @example
 *   const dets = toDatasetDetections(await model.predict(batch), ids, model.config.numClasses);
 *   await writeVocResults('results', 'test', dets, dataset.descriptor);
 */
export function toDatasetDetections(
  detections: readonly Detections[],
  imageIds: readonly string[],
  numClasses: number,
): Detection[] {
  checkDetections('toDatasetDetections', detections, imageIds.length, numClasses);
  const out: Detection[] = [];
  detections.forEach((d, i) => {
    const imageId = imageIds[i]!;
    for (let j = 0; j < d.scores.length; j++) {
      out.push({
        imageId,
        box: [d.boxes[4 * j]!, d.boxes[4 * j + 1]!, d.boxes[4 * j + 2]!, d.boxes[4 * j + 3]!],
        classIndex: d.labels[j]! - 1,
        score: d.scores[j]!,
      });
    }
  });
  return out;
}
