import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { Detection } from '../core/detection.js';
import { formatNumber } from '../internal/formatNumber.js';

/**
 * The devkit's per-class results text (`comp4_det_<split>_<class>.txt`): one line
 * `image_id score xmin ymin xmax ymax` per detection of class `classIndex`, boxes back in VOC's
 * 1-based pixels (`xmin = x1 + 1`, `xmax = x2`), the inverse of the reader's conversion. Numbers
 * are written as the shortest text that parses back to the same double, so `@kd/eval` (like
 * voc_eval.py's `float()`) scores the file exactly as the detections in memory.
 */
export const vocResultsText = (detections: readonly Detection[], classIndex: number): string =>
  detections
    .filter((d) => d.classIndex === classIndex)
    .map((d) => {
      if (!/^\S+$/.test(d.imageId))
        throw new Error(`image id ${JSON.stringify(d.imageId)} is empty or has white space`);
      const [x1, y1, x2, y2] = d.box;
      return `${d.imageId} ${formatNumber(d.score)} ${formatNumber(x1 + 1)} ${formatNumber(y1 + 1)} ${formatNumber(x2)} ${formatNumber(y2)}\n`;
    })
    .join('');

/** Writes one `comp4_det_<split>_<class>.txt` per class into `dir` (the devkit's results folder). */
export const writeVocResults = async (
  dir: string,
  split: string,
  detections: readonly Detection[],
  descriptor: DatasetDescriptor,
): Promise<void> => {
  await mkdir(dir, { recursive: true });
  for (let c = 0; c < descriptor.classNames.length; c++) {
    const name = descriptor.classNames[c]!;
    if (!/^[\w.-]+$/.test(name) || !/^[\w.-]+$/.test(split))
      throw new Error(
        `class ${JSON.stringify(name)} or split ${JSON.stringify(split)} is not a plain file name`,
      );
    await writeFile(
      path.join(dir, `comp4_det_${split}_${name}.txt`),
      vocResultsText(detections, c),
    );
  }
};
