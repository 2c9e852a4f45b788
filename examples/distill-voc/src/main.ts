/**
 * The paper's PASCAL VOC setting (Chen et al., NIPS 2017): a VGG16 Faster R-CNN teacher trained on
 * VOC2007 trainval guides an AlexNet student through the full objective — class-weighted soft
 * cross-entropy (background 1.5), teacher-bounded regression, and a conv5_3 → conv5 hint through a
 * 1×1 adaptation — and the student is scored on VOC2007 test with the VOC07 11-point AP.
 *
 *   node dist/main.js --voc /data/VOCdevkit/VOC2007 [--teacher RUN_OR_CHECKPOINT]   the paper's recipe
 *   node dist/main.js                                   no data: the recipe scaled down, bundled photos
 */
import { join } from 'node:path';
import { bundledPhotos, distillExample, exampleFlags, runExample } from '@kd/example-shared';
import { initBackend } from '@kd/tensor-ops';

const flags = exampleFlags({
  data: 'voc',
  env: 'VOC_ROOT',
  out: join('runs', 'example-distill-voc'),
});

runExample('distill-voc', async () => {
  await initBackend();
  await distillExample({
    flags,
    presets: ['voc07-vgg16-teacher', 'voc07-vgg16-to-alexnet'],
    photos: bundledPhotos.voc,
    missing: `${flags.root ? `${flags.root} does not exist. ` : ''}No VOC2007 given: get it with
  curl -LO http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtrainval_06-Nov-2007.tar
  curl -LO http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtest_06-Nov-2007.tar
  tar xf VOCtrainval_06-Nov-2007.tar && tar xf VOCtest_06-Nov-2007.tar   # makes VOCdevkit/VOC2007
and run again with --voc VOCdevkit/VOC2007 (or VOC_ROOT=...). Now: the same recipe scaled down
on the 4 bundled photos (trained and scored on the same images: a smoke run, not a result).\n\n`,
    labels: { teacher: 'teacher (VGG16)', student: 'distilled student (AlexNet)' },
  });
});
