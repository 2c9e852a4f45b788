import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { loadDataset } from '../loadDataset.js';
import { presetConfig } from '../presets/presets.js';
import { studentTransform } from '../runTraining.js';
import { prepareSplit } from '../toDetectionBatch.js';

/** The shapes dataset's first `n` training images (generated under `dir`), prepared as a run prepares them. */
export async function benchImages(n: number, dir: string) {
  const config = presetConfig('shapes-student');
  if (E.isLeft(config)) throw new Error(config.left);
  const dataset = await loadDataset({
    ...config.right.dataset,
    root: join(dir, 'shapes'),
    trainImages: n,
    testImages: 1,
  });
  const transform = studentTransform(config.right);
  const split = await prepareSplit(dataset.train.slice(0, n), transform);
  return { dataset, split, transform };
}
