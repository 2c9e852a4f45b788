import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import type { Detections } from '../model/types.js';
import { compileFasterRcnn } from './compileFasterRcnn.js';

/**
 * The same detections, in any order among near-equal scores (a random-init detector's scores
 * tie closely, and float32 rounding may swap them): each detection matches one of the other
 * side's with its label, a box within 1e-3 px and a score within 1e-5.
 */
function assertSameDetections(got: Detections[], want: Detections[], what: string): void {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    assert.ok(w.scores.length > 0, `${what}: the reference found nothing to compare`);
    assert.equal(g.scores.length, w.scores.length, `${what}: detections in image ${i}`);
    const used = new Set<number>();
    for (let j = 0; j < g.scores.length; j++) {
      let match = -1;
      for (let k = 0; k < w.scores.length && match < 0; k++) {
        if (used.has(k) || g.labels[j] !== w.labels[k]) continue;
        if (Math.abs(g.scores[j]! - w.scores[k]!) >= 1e-5) continue;
        let close = true;
        for (let q = 0; q < 4; q++)
          close &&= Math.abs(g.boxes[4 * j + q]! - w.boxes[4 * k + q]!) < 1e-3;
        if (close) match = k;
      }
      assert.ok(
        match >= 0,
        `${what}: image ${i} detection ${j} (label ${g.labels[j]}, score ${g.scores[j]}) has no match`,
      );
      used.add(match);
    }
  });
}

describeEachBackend('compileFasterRcnn', (backend) => {
  if (backend !== 'tensorflow') {
    test('is an error naming the backend it needs', () => {
      const model = new FasterRcnn(tinyConfig());
      const r = compileFasterRcnn(model);
      model.dispose();
      assert.ok(E.isLeft(r));
      assert.match(r.left, /native tensorflow backend.*'(cpu|wasm)'/);
    });
    return;
  }

  const cases = [
    ['VGG16, RoIAlign', {}],
    [
      'MobileNetV2 (folded batch norms), RoIAlign',
      { backbone: { name: 'mobilenetv2', widthMultiplier: 0.35, outputStride: 8 } },
    ],
    [
      'VGG16, RoIPool (head run op by op)',
      { roiHead: { fcDims: [32], batchSizePerImage: 32, outputSize: 4, pooler: 'pool' } },
    ],
  ] as const;
  for (const [name, overrides] of cases) {
    test(`predicts what FasterRcnn.predict does: ${name}`, async () => {
      const model = new FasterRcnn(
        tinyConfig({ ...overrides, inference: { scoreThreshold: 0.2 } }),
      );
      const batch = rectangleBatch(2, 48, 5);
      const single = {
        images: tf.slice(batch.images, [1, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D,
        metas: [batch.metas[1]!],
      };
      const want = await model.predict(batch);
      const wantSingle = await model.predict(single);
      const compiled = compileFasterRcnn(model);
      assert.ok(E.isRight(compiled), E.isLeft(compiled) ? compiled.left : '');
      const c = compiled.right;
      await c.predict(single); // compiles this size's graphs
      const before = tf.memory().numTensors;
      assertSameDetections(await c.predict(batch), want, name);
      assertSameDetections(await c.predict(single), wantSingle, name);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked by compiled predict');
      c.dispose();
      await assert.rejects(c.predict(single), /disposed/);
      tf.dispose([batch.images, single.images]);
      model.dispose();
    });
  }
});
