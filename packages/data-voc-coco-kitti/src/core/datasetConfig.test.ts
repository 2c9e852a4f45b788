import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { fixture } from '../test-util.js';
import { decodeDatasetConfig, readDataset } from './datasetConfig.js';

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
