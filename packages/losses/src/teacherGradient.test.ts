import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { boundedRegressionLoss } from './boundedRegressionLoss.js';
import { hintLoss } from './hintLoss.js';
import { softCrossEntropy } from './softCrossEntropy.js';
import { teacherL2Loss } from './teacherL2Loss.js';

describe('no gradient reaches the teacher', () => {
  before(useCpu);

  test('teacher tensors taped together with the student get zero gradients', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const s = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
      const t = tf.randomNormal([6, 3], 0, 1, 'float32', 2);
      const rs = tf.randomNormal([6, 4], 0, 1, 'float32', 3);
      const rt = tf.randomNormal([6, 4], 0, 1, 'float32', 4);
      const y = tf.randomNormal([6, 4], 0, 1, 'float32', 5);
      const f = tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 6);
      const z = tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 7);
      const lab = tf.tensor1d([1, 0, 2, 1, -1, 2], 'int32');
      const grads = tf.grads(
        (a, b, c, d, e, g) =>
          tf.addN([
            softCrossEntropy(a as tf.Tensor2D, b as tf.Tensor2D, { classWeights: [1.5, 1, 1] }),
            boundedRegressionLoss(c as tf.Tensor2D, d as tf.Tensor2D, y as tf.Tensor2D, lab),
            teacherL2Loss(c as tf.Tensor2D, d as tf.Tensor2D, lab),
            hintLoss(e!, g!),
          ]) as tf.Scalar,
      )([s, t, rs, rt, f, z]);
      for (const i of [1, 3, 5]) {
        assert.ok(
          grads[i]!.dataSync().every((v) => v === 0),
          `teacher input ${i} got a gradient`,
        );
      }
      for (const i of [0, 2, 4]) {
        assert.ok(
          grads[i]!.dataSync().some((v) => v !== 0),
          `student input ${i} got no gradient`,
        );
      }
    });
    assert.equal(tf.memory().numTensors, before);
  });
});
