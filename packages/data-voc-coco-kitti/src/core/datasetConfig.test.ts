import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDecodeError } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { fixture } from '../test-util.js';
import {
  decodeDatasetConfig,
  readDataset,
  splitDatasetConfig,
  TrainTestDatasetConfig,
} from './datasetConfig.js';

test('decodeDatasetConfig: valid configs pass; bad values and unknown keys are located errors', async () => {
  const ok = decodeDatasetConfig({
    format: 'kitti',
    root: fixture('kitti'),
    split: 'train',
    policy: 'skip',
  });
  if (E.isLeft(ok)) assert.fail(ok.left.join('\n'));
  const ds = await readDataset(ok.right);
  assert.ok(E.isRight(ds) && ds.right.samples.length === 4);
  const bad = decodeDatasetConfig(
    { format: 'yolo', root: '', classes: ['a', 3], splt: 'x' },
    'config.dataset',
  );
  assert.ok(E.isLeft(bad));
  assert.deepEqual(bad.left, [
    'config.dataset.format: expected one of voc, coco, kitti, got "yolo"',
    'config.dataset.root: expected a non-empty string, got ""',
    'config.dataset.classes[1]: expected a non-empty string, got 3',
    'config.dataset.splt: unknown key; expected one of format, root, split, classes, policy, year, annotationFile, imageDir',
  ]);
  const notObject = decodeDatasetConfig('voc');
  assert.ok(E.isLeft(notObject) && notObject.left.length === 1);
});

test('TrainTestDatasetConfig: shapes or a registered format; located errors for bad fields', () => {
  assert.ok(
    E.isRight(TrainTestDatasetConfig.decode({ format: 'shapes', seed: 3, trainImages: 8 })),
  );
  const bad = TrainTestDatasetConfig.decode({
    format: 'yolo',
    root: '',
    trainImages: 0,
    seed: Number.NaN,
  });
  assert.ok(E.isLeft(bad));
  assert.deepEqual(
    bad.left.map((e) => {
      const d = describeDecodeError(e, { root: 'dataset' });
      return `${d.where}: ${d.message}`;
    }),
    [
      'dataset.format: expected one of shapes, voc, coco, kitti, got "yolo"',
      'dataset.root: expected a non-empty string, got ""',
      'dataset.seed: expected a finite number, got NaN',
      'dataset.trainImages: expected a positive integer, got 0',
    ],
  );
});

test('splitDatasetConfig: one split of a train/test config reads like any DatasetConfig', async () => {
  const both = TrainTestDatasetConfig.decode({
    format: 'kitti',
    root: fixture('kitti'),
    trainSplit: 'train',
    testSplit: 'val',
    policy: 'skip',
  });
  if (E.isLeft(both)) assert.fail('should decode');
  const train = splitDatasetConfig(both.right, 'train');
  if (E.isLeft(train)) assert.fail(train.left);
  assert.deepEqual(train.right, {
    format: 'kitti',
    root: fixture('kitti'),
    split: 'train',
    policy: 'skip',
  });
  const ds = await readDataset(train.right);
  assert.ok(E.isRight(ds) && ds.right.samples.length === 4);
  const test = splitDatasetConfig(both.right, 'test');
  assert.ok(E.isRight(test) && test.right.split === 'val');
  assert.deepEqual(
    splitDatasetConfig({ format: 'voc' }, 'train'),
    E.left("dataset.root is required for format 'voc'"),
  );
  assert.ok(E.isLeft(splitDatasetConfig({ format: 'shapes' }, 'train')));
});
