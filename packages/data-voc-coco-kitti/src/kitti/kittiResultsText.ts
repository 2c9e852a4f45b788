import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { Detection } from '../core/detection.js';
import { formatNumber } from '../internal/formatNumber.js';

/**
 * A KITTI results file for one image: the 15 label columns plus a 16th, `score`. 2D detections
 * carry the devkit's sentinels for the 3D columns (alpha -10, dims -1, location -1000, ry -10).
 * Box and score are the shortest text that parses back to the same double (the devkit reads them
 * with `%lf`), so the file scores exactly as the detections in memory.
 */
export const kittiResultsText = (
  detections: readonly Detection[],
  descriptor: DatasetDescriptor,
): string =>
  detections
    .map((d) => {
      const name = descriptor.classNames[d.classIndex];
      if (name === undefined) throw new RangeError(`class index ${d.classIndex} has no name`);
      const b = d.box.map(formatNumber).join(' ');
      return `${name} -1 -1 -10 ${b} -1 -1 -1 -1000 -1000 -1000 -10 ${formatNumber(d.score)}\n`;
    })
    .join('');

/**
 * Writes one `<imageId>.txt` per image into `dir` (the devkit's `data/` folder), including an
 * empty file for every id in `imageIds` without detections (the devkit requires one per image).
 */
export const writeKittiResults = async (
  dir: string,
  imageIds: readonly string[],
  detections: readonly Detection[],
  descriptor: DatasetDescriptor,
): Promise<void> => {
  await mkdir(dir, { recursive: true });
  const by = new Map<string, Detection[]>(imageIds.map((id) => [id, []]));
  for (const d of detections) {
    const list = by.get(d.imageId);
    if (!list)
      throw new Error(`detection for image ${JSON.stringify(d.imageId)} not in the image list`);
    list.push(d);
  }
  for (const [id, list] of by) {
    if (!/^[\w.-]+$/.test(id))
      throw new Error(`image id ${JSON.stringify(id)} is not a plain file stem`);
    await writeFile(path.join(dir, `${id}.txt`), kittiResultsText(list, descriptor));
  }
};
