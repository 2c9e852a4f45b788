import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { mulberry32 } from '@kd/random';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, fixture, noLeak, useCpu } from '../test-util.js';
import { batchedNms } from './batchedNms.js';
import { nms } from './nms.js';
import { softNms } from './softNms.js';

const fx = fixture('nms.json');
before(useCpu);

for (const c of fx.cases) {
  const n = c.scores.length;
  test(`nms and batchedNms keep exactly torchvision's indices: ${n} boxes, IoU ${c.iouThreshold}`, async () => {
    await noLeak(async () => {
      const boxes = tf.tensor2d(c.boxes, [n, 4]);
      const scores = tf.tensor1d(c.scores);
      assert.deepEqual(Array.from(await nms(boxes, scores, c.iouThreshold)), c.keep);
      const cls = tf.tensor1d(c.classIds, 'int32');
      assert.deepEqual(
        Array.from(await batchedNms(boxes, scores, cls, c.iouThreshold)),
        c.batchedKeep,
      );
      // host arrays give the same result; maxOutput truncates the same order
      const host = await nms(
        Float32Array.from(c.boxes),
        Float32Array.from(c.scores),
        c.iouThreshold,
        { maxOutput: 10 },
      );
      assert.deepEqual(Array.from(host), c.keep.slice(0, 10));
      tf.dispose([boxes, scores, cls]);
    });
  });
}

test('nms: scoreThreshold, empty input, threshold semantics (suppress only when IoU > t)', async () => {
  const boxes = Float32Array.from([0, 0, 10, 10, 0, 0, 10, 5, 20, 20, 30, 30]);
  const scores = Float32Array.from([0.9, 0.8, 0.1]);
  // IoU(0, 1) = 0.5 exactly: kept at threshold 0.5, suppressed at 0.49
  assert.deepEqual(Array.from(await nms(boxes, scores, 0.5)), [0, 1, 2]);
  assert.deepEqual(Array.from(await nms(boxes, scores, 0.49)), [0, 2]);
  assert.deepEqual(Array.from(await nms(boxes, scores, 0.5, { scoreThreshold: 0.5 })), [0, 1]);
  assert.deepEqual(Array.from(await nms(new Float32Array(0), new Float32Array(0), 0.5)), []);
  await assert.rejects(nms(boxes, Float32Array.from([1]), 0.5), /boxes must be \[N, 4\]/);
});

for (const c of fx.soft.cases) {
  test(`softNms (${c.method}, plusOne ${c.plusOne}) equals the authors' cpu_soft_nms`, async () => {
    const r = await softNms(Float32Array.from(fx.soft.boxes), Float32Array.from(fx.soft.scores), {
      method: c.method,
      sigma: fx.soft.sigma,
      iouThreshold: fx.soft.iouThreshold,
      scoreThreshold: fx.soft.scoreThreshold,
      plusOne: c.plusOne,
    });
    assert.deepEqual(Array.from(r.indices), c.indices);
    assertClose(r.scores, c.scores, 1e-5, 1e-7, 'scores');
    const viaNms = await nms(
      Float32Array.from(fx.soft.boxes),
      Float32Array.from(fx.soft.scores),
      fx.soft.iouThreshold,
      {
        soft: { method: c.method, sigma: fx.soft.sigma, plusOne: c.plusOne },
      },
    );
    assert.deepEqual(Array.from(viaNms), c.indices);
  });
}

/** The torchvision CPU kernel, transcribed literally (float32 arithmetic), as a naive reference. */
function naiveNms(boxes: Float32Array, scores: Float32Array, t: number): number[] {
  const f = Math.fround;
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => scores[b]! - scores[a]! || a - b,
  );
  const area = (i: number) =>
    f(f(boxes[4 * i + 2]! - boxes[4 * i]!) * f(boxes[4 * i + 3]! - boxes[4 * i + 1]!));
  const sup = new Uint8Array(n);
  const keep: number[] = [];
  for (let a = 0; a < n; a++) {
    const i = order[a]!;
    if (sup[i]) continue;
    keep.push(i);
    for (let b = a + 1; b < n; b++) {
      const j = order[b]!;
      if (sup[j]) continue;
      const w = Math.max(
        0,
        f(Math.min(boxes[4 * i + 2]!, boxes[4 * j + 2]!) - Math.max(boxes[4 * i]!, boxes[4 * j]!)),
      );
      const h = Math.max(
        0,
        f(
          Math.min(boxes[4 * i + 3]!, boxes[4 * j + 3]!) -
            Math.max(boxes[4 * i + 1]!, boxes[4 * j + 1]!),
        ),
      );
      const inter = f(w * h);
      if (f(inter / f(f(area(i) + area(j)) - inter)) > t) sup[j] = 1;
    }
  }
  return keep;
}

test('nms equals the literal torchvision kernel on integer-grid boxes (exact-threshold IoUs) at many thresholds', async () => {
  const rng = mulberry32(99);
  for (const n of [300, 1200]) {
    const boxes = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const x = rng.nextInt(60);
      const y = rng.nextInt(60);
      // some degenerate and inverted boxes too
      const w = rng.nextInt(30) - 2;
      const h = rng.nextInt(30) - 2;
      boxes.set([x, y, x + w, y + h], 4 * i);
    }
    const scores = Float32Array.from({ length: n }, (_, i) => (i * 7919) % n);
    for (const t of [0, 0.1, 0.25, 0.5, 0.6, 2 / 3, 0.75, 0.9, 0.99, 1]) {
      assert.deepEqual(
        Array.from(await nms(boxes, scores, t)),
        naiveNms(boxes, scores, t),
        `n ${n}, IoU ${t}`,
      );
    }
  }
});
