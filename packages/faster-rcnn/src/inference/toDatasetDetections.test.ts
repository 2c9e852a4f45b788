import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detections } from '../model/types.js';
import { toDatasetDetections } from './toDatasetDetections.js';

// Two images: the first with three detections of labels 2, 1, 2; the second with none.
const dets: Detections[] = [
  {
    boxes: Float32Array.from([10, 20, 50.5, 80, 0, 0, 12, 7.25, 100, 40, 127, 128]),
    scores: Float32Array.from([0.75, 0.5, 0.125]),
    labels: Int32Array.from([2, 1, 2]),
  },
  { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) },
];

test('one detection per row, image by image, labels 1…C as class indices 0…C−1', () => {
  assert.deepEqual(toDatasetDetections(dets, ['000005', '000007'], 2), [
    { imageId: '000005', box: [10, 20, 50.5, 80], classIndex: 1, score: 0.75 },
    { imageId: '000005', box: [0, 0, 12, 7.25], classIndex: 0, score: 0.5 },
    { imageId: '000005', box: [100, 40, 127, 128], classIndex: 1, score: 0.125 },
  ]);
});

test('float32 values are kept exactly', () => {
  const x = Math.fround(0.1);
  const [d] = toDatasetDetections(
    [
      {
        boxes: Float32Array.from([x, x, 33.3, 33.3]),
        scores: Float32Array.from([0.3]),
        labels: Int32Array.from([1]),
      },
    ],
    ['a'],
    1,
  );
  assert.equal(d!.box[0], x);
  assert.equal(d!.box[2], Math.fround(33.3));
  assert.equal(d!.score, Math.fround(0.3));
});

test('rejects a label outside 1…C and a missing image id', () => {
  assert.throws(() => toDatasetDetections(dets, ['a', 'b'], 1), /label 2; expected 1…1/);
  assert.throws(() => toDatasetDetections(dets, ['a'], 2), /2 detection lists but 1 image ids/);
});
