import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@kd/tensor-ops';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { applyGradients } from './applyGradients.js';
import { computeGradients, gradientVariables, type LossFn } from './computeGradients.js';
import { packTensors, unpackTensors } from './packTensors.js';
import { trainStep } from './trainStep.js';

describeEachBackend('computeGradients + applyGradients', () => {
  test('equal trainStep bit for bit (weight decay, clipping, an extra variable), leak-free', () => {
    const batch = rectangleBatch(2, 64, 4);
    const setUp = () => {
      const model = new FasterRcnn(tinyConfig());
      const extra = tf.variable(tf.fill([2, 3], 0.5));
      return { model, extra, optimizer: tf.train.momentum(0.01, 0.9), rng: createRng(3) };
    };
    const a = setUp();
    const b = setUp();
    const loss =
      (extra: tf.Variable): LossFn =>
      (f) => ({ ...f.losses, extra: tf.sum(tf.square(extra)) as tf.Scalar });
    let before = 0;
    for (let step = 0; step < 3; step++) {
      // Step 1 clips (the norm is ~6), steps 0 and 2 do not.
      const clip = step === 1 ? { clipGradNorm: 0.5 } : {};
      const ra = trainStep(a.model, batch, {
        optimizer: a.optimizer,
        rng: a.rng,
        extraVariables: [a.extra],
        loss: loss(a.extra),
        ...clip,
      });
      const g = computeGradients(b.model, batch, {
        rng: b.rng,
        extraVariables: [b.extra],
        loss: loss(b.extra),
      });
      const gradNorm = applyGradients(gradientVariables(b.model, [b.extra]), g.grads, {
        optimizer: b.optimizer,
        ...clip,
      });
      tf.dispose(Object.values(g.grads));
      assert.deepEqual({ total: g.total, losses: g.losses, gradNorm }, ra);
      if (step === 0) before = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, before, 'tensors leaked by steps 2 and 3');
    const all = (m: FasterRcnn, e: tf.Variable) => [...m.params.entries().map(([, v]) => v), e];
    assert.deepEqual(packTensors(all(b.model, b.extra)), packTensors(all(a.model, a.extra)));
    assert.ok(a.extra.dataSync()[0]! < 0.5, 'the extra variable was trained');
    for (const s of [a, b]) {
      s.model.dispose();
      s.extra.dispose();
      s.optimizer.dispose();
    }
    batch.images.dispose();
  });

  test('a gradient for a variable not among vars is an error', () => {
    const v = tf.variable(tf.zeros([2]));
    const g = tf.ones([2]);
    assert.throws(
      () => applyGradients([v], { nowhere: g }, { optimizer: tf.train.sgd(1) }),
      /a gradient for 'nowhere', which is not among vars/,
    );
    tf.dispose([v, g]);
  });
});

test('packTensors and unpackTensors round-trip in order; sizes are checked', () => {
  const ts = [tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.scalar(5), tf.tensor1d([6, 7])];
  const flat = packTensors(ts);
  assert.deepEqual(Array.from(flat), [1, 2, 3, 4, 5, 6, 7]);
  const back = unpackTensors(flat, [[2, 2], [], [2]]);
  assert.deepEqual(
    back.map((t) => [t.shape, Array.from(t.dataSync())]),
    ts.map((t) => [t.shape, Array.from(t.dataSync())]),
  );
  assert.throws(() => unpackTensors(flat, [[2, 3]]), /the shapes hold 6 floats, the array 7/);
  assert.throws(() => packTensors(ts, new Float32Array(3)), /'into' holds 3 floats, the tensors 7/);
  tf.dispose([...ts, ...back]);
});
