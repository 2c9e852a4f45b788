/**
 * The paper's MS COCO setting (Chen et al., NIPS 2017): a VGG16 Faster R-CNN teacher trained on
 * COCO train2017 guides a VGG-M student through the full objective — class-weighted soft
 * cross-entropy (background 1.5), teacher-bounded regression, and a conv5_3 → conv5 hint through a
 * 1×1 adaptation — and the student is scored on val2017 with pycocotools' AP@[.5:.95] and AP@0.5.
 *
 *   node dist/main.js --coco /data/coco [--teacher RUN_OR_CHECKPOINT]   the paper's recipe
 *   node dist/main.js                          no data: the recipe scaled down, bundled photos
 */
import { join } from 'node:path';
import { bundledPhotos, distillExample, exampleFlags, runExample } from '@kd/example-shared';
import { initBackend } from '@kd/tensor-ops';

const flags = exampleFlags({
  data: 'coco',
  env: 'COCO_ROOT',
  out: join('runs', 'example-distill-coco'),
});

runExample('distill-coco', async () => {
  await initBackend();
  await distillExample({
    flags,
    presets: ['coco-vgg16-teacher', 'coco-vgg16-to-vggm'],
    photos: bundledPhotos.coco,
    missing: `${flags.root ? `${flags.root} does not exist. ` : ''}No COCO given: get it with
  mkdir coco && cd coco
  curl -LO http://images.cocodataset.org/zips/train2017.zip && unzip -q train2017.zip
  curl -LO http://images.cocodataset.org/zips/val2017.zip && unzip -q val2017.zip
  curl -LO http://images.cocodataset.org/annotations/annotations_trainval2017.zip && unzip -q annotations_trainval2017.zip
and run again with --coco coco (or COCO_ROOT=...). Now: the same recipe scaled down
on the 4 bundled photos (trained and scored on the same images: a smoke run, not a result).\n\n`,
    labels: { teacher: 'teacher (VGG16)', student: 'distilled student (VGG-M)' },
  });
});
