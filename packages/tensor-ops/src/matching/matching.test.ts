import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { mulberry32 } from '@kd/random';
import * as tf from '@tensorflow/tfjs-core';
import { fixture, noLeak, useCpu } from '../test-util.js';
import { BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS, matchBoxes } from './matchBoxes.js';
import { sampleBalanced } from './sampleBalanced.js';

const fx = fixture('matcher.json');
before(useCpu);

for (const c of fx.cases) {
  test(`matchBoxes equals torchvision Matcher(${c.high}, ${c.low}, ${c.allow})`, async () => {
    await noLeak(async () => {
      const iou = tf.tensor2d(fx.iou, [fx.rows, fx.cols]);
      const m = await matchBoxes(iou, {
        highThreshold: c.high,
        lowThreshold: c.low,
        allowLowQualityMatches: c.allow,
      });
      assert.deepEqual(Array.from(m), c.matches);
      iou.dispose();
    });
  });
}

test('matchBoxes: hand-checked low-quality rule, named outcomes, no ground truth', async () => {
  // gt0 best IoU 0.4 at pred 1 (tie with pred 2); pred 2's own best gt is gt1 (0.45)
  const iou = { data: [0.1, 0.4, 0.4, 0.0, 0.0, 0.2, 0.45, 0.8], rows: 2, cols: 4 };
  const m = await matchBoxes(iou, {
    highThreshold: 0.7,
    lowThreshold: 0.3,
    allowLowQualityMatches: true,
  });
  assert.deepEqual(Array.from(m), [BELOW_LOW_THRESHOLD, 0, 1, 1]);
  const m2 = await matchBoxes(iou, { highThreshold: 0.7, lowThreshold: 0.3 });
  assert.deepEqual(Array.from(m2), [
    BELOW_LOW_THRESHOLD,
    BETWEEN_THRESHOLDS,
    BETWEEN_THRESHOLDS,
    1,
  ]);
  const none = await matchBoxes(
    { data: [], rows: 0, cols: 3 },
    { highThreshold: 0.7, lowThreshold: 0.3 },
  );
  assert.deepEqual(Array.from(none), [-1, -1, -1]);
  await assert.rejects(matchBoxes(iou, { highThreshold: 0.3, lowThreshold: 0.7 }), /lowThreshold/);
});

test('sampleBalanced: counts, classes, determinism by seed', () => {
  const labels = new Int32Array(1000).fill(0);
  for (let i = 0; i < 1000; i += 50) labels[i] = 1 + (i % 3); // 20 positives
  for (let i = 1; i < 1000; i += 10) labels[i] = -1; // ignored
  const a = sampleBalanced(labels, { batchSizePerImage: 256, positiveFraction: 0.5, seed: 7 });
  assert.equal(a.positive.length, 20);
  assert.equal(a.negative.length, 236);
  for (const i of a.positive) assert.ok(labels[i]! >= 1);
  for (const i of a.negative) assert.equal(labels[i], 0);
  assert.equal(new Set(a.negative).size, 236);
  const b = sampleBalanced(labels, { batchSizePerImage: 256, positiveFraction: 0.5, seed: 7 });
  assert.deepEqual(b, a);
  const c = sampleBalanced(labels, { batchSizePerImage: 256, positiveFraction: 0.5, seed: 8 });
  assert.notDeepEqual(Array.from(c.negative), Array.from(a.negative));
  const few = sampleBalanced(labels, { batchSizePerImage: 16, positiveFraction: 0.25, seed: 1 });
  assert.equal(few.positive.length, 4);
  assert.equal(few.negative.length, 12);
  assert.throws(
    () => sampleBalanced(labels, { batchSizePerImage: 4, positiveFraction: 0.5 }),
    /seed/,
  );
});

test('mulberry32: reproducible, uniform-looking, resumable from state', () => {
  const r = mulberry32(123);
  const xs = Array.from({ length: 10000 }, () => r.next());
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  const r2 = mulberry32(123);
  assert.equal(r2.next(), xs[0]);
  const resumed = mulberry32(r.state());
  assert.equal(resumed.next(), r.next());
});
