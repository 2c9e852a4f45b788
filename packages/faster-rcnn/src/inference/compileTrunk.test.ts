import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@kd/tensor-ops';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { compileTrunk } from './compileTrunk.js';

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describeEachBackend('compileTrunk', (backend) => {
  if (backend !== 'tensorflow') {
    test('is an error naming the backend it needs', () => {
      const model = new FasterRcnn(tinyConfig());
      const r = compileTrunk(model);
      model.dispose();
      assert.ok(E.isLeft(r));
      assert.match(r.left, /native tensorflow backend/);
    });
    return;
  }

  test("a frozen teacher's forward on a student's rows is the same through the compiled trunk", () => {
    const cfg = tinyConfig({
      backbone: { name: 'mobilenetv2', widthMultiplier: 0.35, outputStride: 8 },
    });
    const teacher = new FasterRcnn(cfg);
    const student = new FasterRcnn({ ...cfg, seed: 9 });
    const layer = teacher.backbone.layers[2]!.name;
    const compiled = compileTrunk(teacher, [layer]);
    assert.ok(E.isRight(compiled), E.isLeft(compiled) ? compiled.left : '');
    // The first batch fills the teacher's cache of folded batch norms.
    let before = 0;
    for (const [i, n] of [2, 3, 2].entries()) {
      if (i === 1) before = tf.memory().numTensors;
      const batch = rectangleBatch(n, 48, n);
      tf.tidy(() => {
        const fwd = student.forwardTrain(batch, createRng(1));
        const [, fh, fw] = fwd.featureMap.shape;
        const anchors = student.anchors(fh, fw);
        const want = teacher.forwardOnRows(batch.images, fwd.rows, anchors, 1, {
          collect: [layer],
        });
        const got = teacher.forwardOnRows(batch.images, fwd.rows, anchors, 1, {
          collect: [layer],
          trunk: compiled.right.run,
        });
        for (const k of ['rpnLogits', 'rpnDeltas', 'rcnLogits', 'rcnDeltas'] as const)
          assert.ok(maxDiff(got.outputs[k], want.outputs[k]) < 1e-4, `${k} (batch ${n})`);
        assert.ok(maxDiff(got.features[layer]!, want.features[layer]!) < 1e-4, layer);
        assert.ok(maxDiff(got.featureMap, want.featureMap) < 1e-4, 'feature map');
      });
      tf.dispose([batch.images]);
    }
    assert.equal(tf.memory().numTensors, before, 'leaked tensors');
    compiled.right.dispose();
    teacher.dispose();
    student.dispose();
  });
});
