import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRng, initBackend } from '@kd/tensor-ops';
import { assignProposalTargets } from './assignProposalTargets.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const opts = {
  fgIouThreshold: 0.5,
  bgIouHigh: 0.5,
  bgIouLow: 0,
  batchSizePerImage: 16,
  positiveFraction: 0.25,
  boxWeights: [10, 10, 5, 5] as const,
};

describe('assignProposalTargets', () => {
  test('hand-checked: gt boxes join the proposals, fg takes the class, bg label 0, targets weighted', () => {
    const gt = { boxes: Float32Array.from([0, 0, 10, 10]), labels: Int32Array.from([3]) };
    // IoU with gt: 0.68 (fg), 1/3 (bg), 0 (bg).
    const proposals = Float32Array.from([1, 1, 11, 11, 5, 0, 15, 10, 40, 40, 50, 50]);
    const r = assignProposalTargets(proposals, gt, opts, createRng(1));
    assert.deepEqual(Array.from(r.labels), [3, 3, 0, 0]);
    // fg rows: the shifted proposal and the gt box itself (index 3 of the candidates).
    assert.deepEqual(Array.from(r.rois.slice(0, 8)), [1, 1, 11, 11, 0, 0, 10, 10]);
    // Weighted encoding: dx = 10·(5 − 6)/10 = −1.
    assert.ok(Math.abs(r.targets[0]! + 1) < 1e-5);
    assert.deepEqual(Array.from(r.targets.slice(4, 8)), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(r.targets.slice(8)), Array(8).fill(0));
  });

  test('bgIouLow excludes proposals that overlap nothing from the background set', () => {
    const gt = { boxes: Float32Array.from([0, 0, 10, 10]), labels: Int32Array.from([1]) };
    const proposals = Float32Array.from([5, 0, 15, 10, 40, 40, 50, 50]);
    const r = assignProposalTargets(proposals, gt, { ...opts, bgIouLow: 0.1 }, createRng(1));
    assert.deepEqual(Array.from(r.labels), [1, 0]);
    assert.deepEqual(Array.from(r.rois.slice(4)), [5, 0, 15, 10]);
  });

  test('at most 25% foreground when there are enough background RoIs', () => {
    const gt = { boxes: Float32Array.from([0, 0, 10, 10]), labels: Int32Array.from([2]) };
    const p: number[] = [];
    for (let i = 0; i < 10; i++) p.push(0, 0, 10, 10);
    for (let i = 0; i < 30; i++) p.push(100 + i, 100, 110 + i, 110);
    const r = assignProposalTargets(Float32Array.from(p), gt, opts, createRng(5));
    assert.equal(r.labels.length, 16);
    assert.equal(r.labels.filter((l) => l > 0).length, 4);
  });
});
