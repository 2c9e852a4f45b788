import { join } from 'node:path';
import type { DatasetFormatModule } from '../core/datasetFormatModule.js';
import { writeKittiResults } from './kittiResultsText.js';
import { readKitti } from './readKitti.js';

/** KITTI object: `training/label_2/*.txt` + `ImageSets/<split>.txt`; results `data/<id>.txt`, 16 columns. */
export const kittiFormat: DatasetFormatModule = {
  name: 'kitti',
  read: (o) =>
    readKitti({
      root: o.root,
      ...(o.split ? { split: o.split } : {}),
      ...(o.policy ? { policy: o.policy } : {}),
      ...(o.classes ? { classes: o.classes } : {}),
    }),
  writeResults: async (out, ids, detections, descriptor) => {
    const dir = join(out, 'data');
    await writeKittiResults(dir, ids, detections, descriptor);
    return dir;
  },
};
