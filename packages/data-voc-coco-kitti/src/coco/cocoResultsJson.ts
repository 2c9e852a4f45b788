import { writeFile } from 'node:fs/promises';
import { categoryIdOf, type DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { Detection } from '../core/detection.js';

/**
 * COCO results text `[{image_id, category_id, bbox: [x, y, w, h], score}]`. Image ids are the
 * detections' `imageId` text written as JSON numbers verbatim (exact for ids above 2^53);
 * category ids are the dataset's original ids.
 */
export const cocoResultsJson = (
  detections: readonly Detection[],
  descriptor: DatasetDescriptor,
): string => {
  const parts = detections.map((d) => {
    if (!/^(0|[1-9]\d*)$/.test(d.imageId)) {
      throw new Error(`image id ${JSON.stringify(d.imageId)} is not a COCO integer id`);
    }
    const [x1, y1, x2, y2] = d.box;
    const body = JSON.stringify({
      image_id: 0,
      category_id: categoryIdOf(descriptor, d.classIndex),
      bbox: [x1, y1, x2 - x1, y2 - y1],
      score: d.score,
    });
    return body.replace('"image_id":0', `"image_id":${d.imageId}`);
  });
  return `[${parts.join(',\n')}]\n`;
};

/** Writes COCO results to `file`. */
export const writeCocoResults = async (
  file: string,
  detections: readonly Detection[],
  descriptor: DatasetDescriptor,
): Promise<void> => writeFile(file, cocoResultsJson(detections, descriptor));
