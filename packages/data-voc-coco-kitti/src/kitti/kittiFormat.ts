import { join } from 'node:path';
import type { DatasetFormatModule, DatasetReadOptions } from '../core/datasetFormatModule.js';
import { writeKittiResults } from './kittiResultsText.js';
import { readKitti } from './readKitti.js';

const read = (o: DatasetReadOptions, classes: readonly string[] | 'discover' | undefined) =>
  readKitti({
    root: o.root,
    ...(o.split ? { split: o.split } : {}),
    ...(o.policy ? { policy: o.policy } : {}),
    ...(classes ? { classes } : {}),
  });

/** KITTI object: `training/label_2/*.txt` + `ImageSets/<split>.txt`; results `data/<id>.txt`, 16 columns. */
export const kittiFormat: DatasetFormatModule = {
  name: 'kitti',
  read: (o) => read(o, o.classes),
  readDiscoveringClasses: (o) => read(o, 'discover'),
  writeResults: async (out, ids, detections, descriptor) => {
    const dir = join(out, 'data');
    await writeKittiResults(dir, ids, detections, descriptor);
    return dir;
  },
};
