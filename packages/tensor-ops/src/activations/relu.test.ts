import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend } from '../backend/describeEachBackend.js';
import { noLeak } from '../test-util.js';
import { KD_RELU_GRAD, relu } from './relu.js';
import { RELU_ACTIVATION } from './reluGradKernels.js';
import { forwardAndGradient, testActivationFixture } from './test-util-activation.js';

/** -0 as +0: kd's kernels and tfjs-core's gradient may differ only there. */
const unsignedZeros = (a: Float32Array): number[] => Array.from(a, (v) => (v === 0 ? 0 : v));

describeEachBackend('relu and its fused gradient equal PyTorch', (backend) => {
  const tfjsGradient = RELU_ACTIVATION.tfjsGradientOn?.includes(backend) ?? false;
  const cases = testActivationFixture(
    'relu.json',
    relu,
    RELU_ACTIVATION,
    'integers with many zeros',
    backend,
  );

  test("kd's gradient has tfjs-core's tf.relu gradient's bits, up to the sign of zeros", () => {
    for (const c of cases) {
      const [yTfjs, tfjs] = forwardAndGradient(tf.relu, c.x, c.dy, c.shape);
      const [yKd, kd] = forwardAndGradient(relu, c.x, c.dy, c.shape);
      assert.deepEqual(Array.from(yKd), Array.from(yTfjs), `${c.name}: forward`);
      assert.deepEqual(unsignedZeros(kd), unsignedZeros(tfjs), `${c.name}: gradient`);
    }
  });

  test(`+∞ passes the gradient, −∞ gets 0, NaN gets ${tfjsGradient ? 'NaN (tfjs-core)' : '0 (TensorFlow)'}, leak-free`, async () => {
    const [, dx] = await noLeak(() =>
      forwardAndGradient(
        relu,
        [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 2],
        [3, 4, -7, 5],
      ),
    );
    assert.deepEqual(unsignedZeros(dx), [3, 0, tfjsGradient ? Number.NaN : 0, 5]);
  });

  test(`an infinite dy where the gradient is masked: ${backend === 'tensorflow' || tfjsGradient ? 'NaN (TensorFlow and tfjs-core multiply)' : '0 (as PyTorch)'}`, () => {
    const [, dx] = forwardAndGradient(
      relu,
      [-1, 0, 3],
      [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1],
    );
    const masked = backend === 'tensorflow' || tfjsGradient ? Number.NaN : 0;
    assert.deepEqual(Array.from(dx), [masked, masked, 1]);
  });

  test('rejects a non-float32 gradient kernel input', () => {
    const x = tf.tensor([1, 2], [2], 'int32');
    const dy = tf.tensor([1, 2], [2], 'int32');
    tf.tidy(() => void relu(tf.zeros([1])));
    assert.throws(
      () => tf.engine().runKernel(KD_RELU_GRAD, { dy, x }),
      /KdReluGrad: expected float32 dy and x, got int32 and int32/,
    );
    tf.dispose([x, dy]);
  });

  test('rejects dy and x of different shapes', () => {
    const x = tf.zeros([2, 3]);
    const dy = tf.zeros([3, 2]);
    assert.throws(
      () => tf.engine().runKernel(KD_RELU_GRAD, { dy, x }),
      /KdReluGrad: dy \[3,2\] and x \[2,3\] differ in shape/,
    );
    tf.dispose([x, dy]);
  });
});
