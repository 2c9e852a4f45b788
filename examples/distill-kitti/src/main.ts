/**
 * The paper's KITTI setting (Chen et al., NIPS 2017): a VGG16 Faster R-CNN teacher trained on the
 * KITTI object train split (Car, Pedestrian, Cyclist) guides an AlexNet student through the full
 * objective — class-weighted soft cross-entropy (background 1.5), teacher-bounded regression, and a
 * conv5_3 → conv5 hint through a 1×1 adaptation — and the student is scored on the val split with
 * the KITTI devkit (easy / moderate / hard) and the paper's PASCAL-style mAP@0.5.
 *
 *   node dist/main.js --kitti /data/kitti [--teacher RUN_OR_CHECKPOINT]   the paper's recipe
 *   node dist/main.js                            no data: the recipe scaled down, bundled photos
 */
import { join } from 'node:path';
import { bundledPhotos, distillExample, exampleFlags, runExample } from '@kd/example-shared';
import { initBackend } from '@kd/tensor-ops';

const flags = exampleFlags({
  data: 'kitti',
  env: 'KITTI_ROOT',
  out: join('runs', 'example-distill-kitti'),
});

runExample('distill-kitti', async () => {
  await initBackend();
  await distillExample({
    flags,
    presets: ['kitti-vgg16-teacher', 'kitti-vgg16-to-alexnet'],
    photos: bundledPhotos.kitti,
    missing: `${flags.root ? `${flags.root} does not exist. ` : ''}No KITTI given: get it from
  https://www.cvlibs.net/datasets/kitti/eval_object.php?obj_benchmark=2d (free registration):
  data_object_image_2.zip and data_object_label_2.zip, unzipped into one folder (training/image_2,
  training/label_2), plus the train/val split as ImageSets/train.txt and ImageSets/val.txt
  (the 3DOP / MS-CNN split of the 7,481 labelled frames; see this example's README)
and run again with --kitti FOLDER (or KITTI_ROOT=...). Now: the same recipe scaled down
on the 4 bundled photos (trained and scored on the same images: a smoke run, not a result).\n\n`,
    labels: { teacher: 'teacher (VGG16)', student: 'distilled student (AlexNet)' },
  });
});
