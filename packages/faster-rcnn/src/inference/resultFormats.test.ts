import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Detections } from '../model/types.js';
import { formatNumber } from './formatNumber.js';
import { toCocoResults } from './toCocoResults.js';
import { toKittiResults } from './toKittiResults.js';
import { toVocResults } from './toVocResults.js';

// Two images: the first with three detections of labels 2, 1, 2; the second with none.
const dets: Detections[] = [
  {
    boxes: Float32Array.from([10, 20, 50.5, 80, 0, 0, 12, 7.25, 100, 40, 127, 128]),
    scores: Float32Array.from([0.75, 0.5, 0.125]),
    labels: Int32Array.from([2, 1, 2]),
  },
  { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) },
];

describe('toCocoResults', () => {
  test('xywh boxes, original category ids, image ids, in order', () => {
    assert.deepEqual(toCocoResults(dets, [42, 7], [18, 3]), [
      { image_id: 42, category_id: 3, bbox: [10, 20, 40.5, 60], score: 0.75 },
      { image_id: 42, category_id: 18, bbox: [0, 0, 12, 7.25], score: 0.5 },
      { image_id: 42, category_id: 3, bbox: [100, 40, 27, 88], score: 0.125 },
    ]);
  });
  test('x + w gives back x2 exactly for values that are not short decimals', () => {
    const x1 = Math.fround(0.1);
    const x2 = Math.fround(33.3);
    const [r] = toCocoResults(
      [
        {
          boxes: Float32Array.from([x1, x1, x2, x2]),
          scores: Float32Array.from([0.3]),
          labels: Int32Array.from([1]),
        },
      ],
      [1],
      [1],
    );
    assert.equal(r!.bbox[0] + r!.bbox[2], x2);
    assert.equal(r!.score, Math.fround(0.3));
  });
  test('rejects a label without a category and a missing image id', () => {
    assert.throws(() => toCocoResults(dets, [42, 7], [18]), /label 2; expected 1…1/);
    assert.throws(() => toCocoResults(dets, [42], [18, 3]), /2 detection lists but 1 image ids/);
  });
});

describe('toVocResults', () => {
  test('one file per class, 1-based xmin/ymin, xmax/ymax unchanged', () => {
    assert.deepEqual(toVocResults(dets, ['000005', '000007'], ['aeroplane', 'bicycle', 'bird']), [
      {
        className: 'aeroplane',
        fileName: 'comp4_det_test_aeroplane.txt',
        text: '000005 0.5 1 1 12 7.25\n',
      },
      {
        className: 'bicycle',
        fileName: 'comp4_det_test_bicycle.txt',
        text: '000005 0.75 11 21 50.5 80\n000005 0.125 101 41 127 128\n',
      },
      { className: 'bird', fileName: 'comp4_det_test_bird.txt', text: '' },
    ]);
  });
  test('split in the file name, fixed decimals', () => {
    const [a] = toVocResults(dets, ['a', 'b'], ['cat', 'dog'], { split: 'val', decimals: 1 });
    assert.equal(a!.fileName, 'comp4_det_val_cat.txt');
    assert.equal(a!.text, 'a 0.5 1.0 1.0 12.0 7.3\n');
  });
  test('default precision parses back to the exact values', () => {
    const x1 = Math.fround(0.1);
    const [f] = toVocResults(
      [
        {
          boxes: Float32Array.from([x1, 2, 3, 4]),
          scores: Float32Array.from([Math.fround(0.3)]),
          labels: Int32Array.from([1]),
        },
      ],
      ['img'],
      ['cls'],
    );
    const cols = f!.text.trim().split(' ').map(Number);
    assert.equal(cols[1], Math.fround(0.3));
    assert.equal(cols[2], x1 + 1);
  });
  test('rejects names with white space', () => {
    assert.throws(() => toVocResults(dets, ['a b', 'c'], ['x', 'y']), /image id "a b"/);
    assert.throws(() => toVocResults(dets, ['a', 'c'], ['potted plant', 'y']), /class name/);
  });
});

describe('toKittiResults', () => {
  test('16 columns, boxes as they are, one (possibly empty) file per image', () => {
    assert.deepEqual(toKittiResults(dets, ['000000', '000001'], ['Car', 'Pedestrian']), [
      {
        imageId: '000000',
        fileName: '000000.txt',
        text:
          'Pedestrian -1 -1 -10 10 20 50.5 80 -1 -1 -1 -1000 -1000 -1000 -10 0.75\n' +
          'Car -1 -1 -10 0 0 12 7.25 -1 -1 -1 -1000 -1000 -1000 -10 0.5\n' +
          'Pedestrian -1 -1 -10 100 40 127 128 -1 -1 -1 -1000 -1000 -1000 -10 0.125\n',
      },
      { imageId: '000001', fileName: '000001.txt', text: '' },
    ]);
  });
  test('fixed decimals as the devkit prints them', () => {
    const [f] = toKittiResults(dets.slice(0, 1), ['9'], ['Car', 'Van'], { decimals: 2 });
    assert.equal(
      f!.text.split('\n')[1],
      'Car -1 -1 -10 0.00 0.00 12.00 7.25 -1 -1 -1 -1000 -1000 -1000 -10 0.50',
    );
  });
});

describe('formatNumber', () => {
  test('shortest exact text, no negative zero, non-finite rejected', () => {
    assert.equal(formatNumber(-0), '0');
    assert.equal(formatNumber(-0.001, { decimals: 2 }), '0.00');
    assert.equal(formatNumber(Math.fround(0.1)), '0.10000000149011612');
    assert.throws(() => formatNumber(Number.NaN), /finite/);
  });
});
