import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '@kd/distill';

/** The photos bundled with @kd/data-voc-coco-kitti's tests (4 images, 4 classes). */
const PHOTOS = fileURLToPath(
  new URL('../../../packages/data-voc-coco-kitti/fixtures/photos/', import.meta.url),
);
const split = { trainSplit: 'photos', testSplit: 'photos' } as const;
const classes = ['person', 'cat', 'cup', 'rocket'];

/**
 * The bundled photos as a dataset in each format, for the examples' runs without data: VOC layout,
 * a COCO instances file (non-contiguous category ids 1, 17, 47, 91), KITTI label files. Both
 * splits are the same 4 images: smoke runs, not results.
 */
export const bundledPhotos = {
  voc: { format: 'voc', root: join(PHOTOS, 'voc'), ...split, classes },
  coco: { format: 'coco', root: join(PHOTOS, 'coco'), ...split, imageDir: join(PHOTOS, 'images') },
  kitti: { format: 'kitti', root: join(PHOTOS, 'kitti'), ...split, classes },
} as const satisfies Record<string, RunConfig['dataset']>;
