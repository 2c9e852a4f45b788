import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  contiguousDescriptor,
  type DatasetFormatModule,
  datasetFormatNames,
  readDataset,
  readImageSize,
  registerDatasetFormat,
  type Sample,
} from '@kd/data-voc-coco-kitti';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { loadDataset } from './loadDataset.js';
import { decodeRunConfig } from './runConfig.js';
import { runTraining } from './runTraining.js';
import { testRunConfig, tinyDetector } from './testing.js';

// A new dataset format is one module and one registration, here outside the data package: a
// CSV per split (`image,x1,y1,x2,y2,class`), images next to it. Configs then name it, and the
// pipeline loads and trains through it like VOC, COCO or KITTI.

const photos = fileURLToPath(
  new URL('../../data-voc-coco-kitti/fixtures/photos/images/', import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), 'kd-toy-format-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'wasm' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const csvBoxes: DatasetFormatModule = {
  name: 'csv-boxes',
  async read(o) {
    const classes = o.classes ?? ['thing'];
    const split = o.split ?? 'train';
    const rows = readFileSync(join(o.root, `${split}.csv`), 'utf8')
      .trim()
      .split('\n');
    const byImage = new Map<string, Sample['objects'][number][]>();
    for (const row of rows) {
      const [image, x1, y1, x2, y2, name] = row.split(',');
      const list = byImage.get(image!) ?? [];
      list.push({
        box: [Number(x1), Number(y1), Number(x2), Number(y2)],
        classIndex: classes.indexOf(name!),
        difficult: false,
        crowd: false,
        truncated: 0,
        occluded: 0,
      });
      byImage.set(image!, list);
    }
    const samples: Sample[] = [];
    for (const [image, objects] of byImage) {
      const path = join(o.root, image);
      const size = await readImageSize(path);
      if (E.isLeft(size)) throw new Error(`${path}: ${size.left}`);
      const { width, height } = size.right;
      samples.push({
        id: image.split('.')[0]!,
        path,
        fileName: image,
        width,
        height,
        objects,
        ignore: [],
      });
    }
    return E.right({
      descriptor: contiguousDescriptor('csv-boxes', o.root, split, classes),
      samples,
      problems: [],
      skippedImages: 0,
      skippedObjects: 0,
      fixedObjects: 0,
    });
  },
  async writeResults(out, _ids, detections) {
    const file = join(out, 'results.csv');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      file,
      detections
        .map((d) => `${d.imageId},${d.box.join(',')},${d.classIndex},${d.score}\n`)
        .join(''),
    );
    return file;
  },
};

test('a registered format is named by configs, loaded and trained through', async () => {
  const root = join(dir, 'toy');
  mkdirSync(root);
  const lines = [
    'astronaut.png,5,5,116,160,person',
    'chelsea.png,0,0,240,160,cat',
    'coffee.jpg,68,7,170,123,cup',
  ];
  for (const image of ['astronaut.png', 'chelsea.png', 'coffee.jpg'])
    writeFileSync(join(root, image), readFileSync(join(photos, image)));
  writeFileSync(join(root, 'train.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(root, 'test.csv'), `${lines[1]}\n`);
  const dataset = {
    format: 'csv-boxes',
    root,
    trainSplit: 'train',
    testSplit: 'test',
    classes: ['person', 'cat', 'cup'],
  };

  // Before registration the name is refused, with the registered ones listed.
  const early = decodeRunConfig(
    { dataset, model: { detector: {} }, optim: { steps: 1, batchSize: 1, lr: 0.1 } },
    'toy',
  );
  assert.ok(E.isLeft(early));
  assert.match(
    early.left,
    /at dataset\.format: expected one of shapes, voc, coco, kitti, got "csv-boxes"/,
  );

  registerDatasetFormat(csvBoxes);
  assert.ok(datasetFormatNames().includes('csv-boxes'));
  assert.throws(() => registerDatasetFormat(csvBoxes), /'csv-boxes' is already registered/);
  assert.throws(
    () => registerDatasetFormat({ ...csvBoxes, name: 'voc' }),
    /'voc' is already registered/,
  );

  // The data package's own dataset config reads it too.
  const read = await readDataset({ format: 'csv-boxes', root, split: 'test' });
  assert.ok(E.isRight(read));
  assert.equal(read.right.samples.length, 1);

  const loaded = await loadDataset(dataset);
  assert.equal(loaded.train.length, 3);
  assert.equal(loaded.test.length, 1);
  assert.deepEqual(loaded.classNames, ['person', 'cat', 'cup']);

  const before = tf.memory().numTensors;
  const r = await runTraining({
    config: testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.0625, 1), minSize: 64, maxSize: 96 },
      optim: { steps: 2, batchSize: 1, lr: 0.01 },
    }),
    runDir: join(dir, 'run'),
  });
  assert.equal(r.steps, 2);
  assert.ok(r.scores && r.scores.mAP50 >= 0 && r.scores.mAP50 <= 1);
  r.model.dispose();
  // tfjs optimisers keep up to two scalars after dispose() (learning rate, momentum).
  assert.ok(tf.memory().numTensors - before <= 2, `leaked ${tf.memory().numTensors - before}`);
});
