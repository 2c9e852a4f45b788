import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { boundedRegressionLoss } from './boundedRegressionLoss.js';
import { boxRegressionLoss } from './boxRegressionLoss.js';
import { hintLoss } from './hintLoss.js';
import { sigmoidCrossEntropy } from './sigmoidCrossEntropy.js';
import { softCrossEntropy } from './softCrossEntropy.js';

/** Central differences of a scalar loss vs the taped gradient, element by element. */
function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x0: tf.Tensor,
  what: string,
  h = 1e-2,
): void {
  tf.tidy(() => {
    const analytic = tf.grad(f)(x0).dataSync();
    const base = x0.dataSync();
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i]! += h;
      minus[i]! -= h;
      const fp = f(tf.tensor(plus, x0.shape)).dataSync()[0]!;
      const fm = f(tf.tensor(minus, x0.shape)).dataSync()[0]!;
      const numeric = (fp - fm) / (2 * h);
      assert.ok(
        Math.abs(numeric - analytic[i]!) <= 1e-2 * Math.max(1, Math.abs(numeric)),
        `${what}[${i}]: numeric ${numeric} vs analytic ${analytic[i]}`,
      );
    }
  });
}

describe('finite-difference gradient checks', () => {
  before(useCpu);
  const labels = () => tf.tensor1d([1, 0, 2, -1, 1], 'int32');

  test('weighted soft cross-entropy, T = 2 with T²', () => {
    const t = tf.randomNormal([5, 3], 0, 2, 'float32', 2) as tf.Tensor2D;
    checkGradient(
      (s) =>
        softCrossEntropy(s as tf.Tensor2D, t, {
          temperature: 2,
          scaleByTemperatureSquared: true,
          classWeights: [1.5, 1, 1],
          labels: labels(),
        }),
      tf.randomNormal([5, 3], 0, 2, 'float32', 1),
      'softCE',
    );
    t.dispose();
  });

  test('sigmoid cross-entropy', () => {
    checkGradient(
      (x) => sigmoidCrossEntropy(x as tf.Tensor1D, labels()),
      tf.randomNormal([5], 0, 3, 'float32', 3),
      'bce',
    );
  });

  test('smooth L1 box loss (σ = 3), points away from the kink', () => {
    const y = tf.zeros([5, 4]) as tf.Tensor2D;
    // |x| values well inside and outside β = 1/9
    const x = tf.tensor2d([
      [0.05, -0.03, 0.5, -0.8],
      [0.02, 0.3, -0.04, 1.2],
      [-0.5, 0.06, 0.2, -0.02],
      [0.4, -0.4, 0.01, 0.9],
      [-0.07, 0.7, -0.3, 0.04],
    ]);
    checkGradient(
      (d) => boxRegressionLoss(d as tf.Tensor2D, y, labels(), { smoothL1: { sigma: 3 } }),
      x,
      'smoothL1',
      1e-3,
    );
    tf.dispose([x, y]);
  });

  test('teacher-bounded loss, boxes away from the switching boundary', () => {
    const y = tf.zeros([5, 4]) as tf.Tensor2D;
    const rt = tf.fill([5, 4], 0.5) as tf.Tensor2D; // teacher error 1 per box
    const rs = tf.tensor2d([
      [0.9, 0.1, -0.3, 0.2], // 0.95 + m(0.1) > 1 → active
      [0.1, 0.1, 0.1, 0.1], // far better → inactive
      [1, 1, -1, 0.5], // worse → active
      [0.3, 0.3, 0.3, 0.3],
      [0.2, -0.2, 0.1, 0.1], // better by > m → inactive
    ]);
    checkGradient(
      (d) => boundedRegressionLoss(d as tf.Tensor2D, rt, y, labels(), { margin: 0.1 }),
      rs,
      'bounded',
      1e-3,
    );
    tf.dispose([y, rt, rs]);
  });

  test('masked L1 hint loss', () => {
    const z = tf.randomNormal([1, 2, 3, 2], 0, 1, 'float32', 5);
    const mask = tf.tensor3d([
      [
        [1, 0, 1],
        [0, 1, 1],
      ],
    ]);
    checkGradient(
      (v) => hintLoss(v, z, { distance: 'l1', mask }),
      tf.randomNormal([1, 2, 3, 2], 0, 1, 'float32', 6),
      'hint l1',
      1e-3,
    );
    tf.dispose([z, mask]);
  });
});
