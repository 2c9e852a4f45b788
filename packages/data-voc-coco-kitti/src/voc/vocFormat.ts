import type { DatasetFormatModule, DatasetReadOptions } from '../core/datasetFormatModule.js';
import { readVoc } from './readVoc.js';
import { writeVocResults } from './vocResultsText.js';

const read = (o: DatasetReadOptions, classes: readonly string[] | 'discover' | undefined) =>
  readVoc({
    root: o.root,
    ...(o.split ? { split: o.split } : {}),
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.year ? { year: o.year } : {}),
    ...(classes ? { classes } : {}),
  });

/** PASCAL VOC: `Annotations/*.xml` + `ImageSets/Main/<split>.txt`; results `comp4_det_<split>_<class>.txt`. */
export const vocFormat: DatasetFormatModule = {
  name: 'voc',
  read: (o) => read(o, o.classes),
  readDiscoveringClasses: (o) => read(o, 'discover'),
  writeResults: async (out, _ids, detections, descriptor) => {
    await writeVocResults(out, descriptor.split, detections, descriptor);
    return out;
  },
};
