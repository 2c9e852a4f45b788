import { join } from 'node:path';
import type { DatasetFormatModule } from '../core/datasetFormatModule.js';
import { writeCocoResults } from './cocoResultsJson.js';
import { readCoco } from './readCoco.js';

/** MS COCO: `annotations/instances_<split>.json`; results one JSON array with the original category ids. */
export const cocoFormat: DatasetFormatModule = {
  name: 'coco',
  read: (o) =>
    readCoco({
      root: o.root,
      ...(o.split ? { split: o.split } : {}),
      ...(o.policy ? { policy: o.policy } : {}),
      ...(o.annotationFile ? { annotationFile: o.annotationFile } : {}),
      ...(o.imageDir ? { imageDir: o.imageDir } : {}),
    }),
  writeResults: async (out, _ids, detections, descriptor) => {
    const file = join(out, `detections_${descriptor.split}_results.json`);
    await writeCocoResults(file, detections, descriptor);
    return file;
  },
};
