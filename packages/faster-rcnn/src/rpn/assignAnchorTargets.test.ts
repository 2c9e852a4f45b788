import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRng, initBackend } from '@kd/tensor-ops';
import { assignAnchorTargets } from './assignAnchorTargets.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const opts = {
  fgIouThreshold: 0.7,
  bgIouThreshold: 0.3,
  batchSizePerImage: 4,
  positiveFraction: 0.5,
};

describe('assignAnchorTargets', () => {
  test('hand-checked: IoU ≥ 0.7 positive, < 0.3 negative, in between ignored, best anchor always positive', () => {
    // gt 0..10; anchors: exact (IoU 1), shifted by 1 (IoU 81/119 = 0.68 → between, unless best),
    // half overlap (IoU 1/3 → between), far away (0 → negative).
    const gt = { boxes: Float32Array.from([0, 0, 10, 10]), labels: Int32Array.from([2]) };
    const anchors = Float32Array.from([0, 0, 10, 10, 1, 1, 11, 11, 5, 0, 15, 10, 50, 50, 60, 60]);
    const r = assignAnchorTargets(anchors, gt, { ...opts, batchSizePerImage: 8 }, createRng(1));
    assert.deepEqual(Array.from(r.indices), [0, 3]);
    assert.deepEqual(Array.from(r.labels), [1, 0]);
    // The exact anchor encodes to zero deltas; the negative's targets are zeros.
    assert.deepEqual(
      Array.from(r.targets).map((v) => Math.abs(v) < 1e-6),
      Array(8).fill(true),
    );
  });

  test('low-quality match: a box with no anchor above 0.7 still gets its best anchor', () => {
    const gt = { boxes: Float32Array.from([0, 0, 10, 10]), labels: Int32Array.from([1]) };
    const anchors = Float32Array.from([1, 1, 11, 11, 30, 30, 40, 40]);
    const r = assignAnchorTargets(anchors, gt, opts, createRng(1));
    assert.deepEqual(Array.from(r.indices), [0, 1]);
    assert.deepEqual(Array.from(r.labels), [1, 0]);
    // dx = dy = (5 - 6)/10, dw = dh = 0
    assert.ok(Math.abs(r.targets[0]! + 0.1) < 1e-6 && Math.abs(r.targets[2]!) < 1e-6);
  });

  test('balanced sampling caps positives and fills with negatives, reproducibly from the seed', () => {
    const boxes: number[] = [];
    for (let i = 0; i < 10; i++) boxes.push(i * 20, 0, i * 20 + 10, 10);
    const gt = { boxes: Float32Array.from(boxes), labels: Int32Array.from(Array(10).fill(1)) };
    const anchors = Float32Array.from([
      ...boxes,
      ...boxes.map((v, i) => (i % 2 === 1 ? v + 100 : v)),
    ]);
    const a = assignAnchorTargets(anchors, gt, opts, createRng(7));
    const b = assignAnchorTargets(anchors, gt, opts, createRng(7));
    assert.deepEqual(a.indices, b.indices);
    assert.equal(a.labels.filter((l) => l === 1).length, 2);
    assert.equal(a.indices.length, 4);
  });

  test('an image without objects samples only negatives; ignore regions are not negatives', () => {
    const anchors = Float32Array.from([0, 0, 10, 10, 20, 20, 30, 30, 100, 100, 110, 110]);
    const gt = {
      boxes: new Float32Array(0),
      labels: new Int32Array(0),
      ignore: Float32Array.from([18, 18, 40, 40]),
    };
    const r = assignAnchorTargets(anchors, gt, { ...opts, batchSizePerImage: 8 }, createRng(3));
    assert.deepEqual(Array.from(r.indices), [0, 2]);
    assert.deepEqual(Array.from(r.labels), [0, 0]);
  });
});
