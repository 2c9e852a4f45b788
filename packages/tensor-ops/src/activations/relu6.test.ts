import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend } from '../backend/describeEachBackend.js';
import { assertClose, noLeak } from '../test-util.js';
import { KD_RELU6_GRAD, relu6 } from './relu6.js';
import { RELU6_ACTIVATION } from './relu6GradKernels.js';
import { forwardAndGradient, testActivationFixture } from './test-util-activation.js';

describeEachBackend('relu6 and its fused gradient equal PyTorch', (backend) => {
  const cases = testActivationFixture(
    'relu6.json',
    relu6,
    RELU6_ACTIVATION,
    'rounded values on the boundaries',
    backend,
  );

  test("tfjs-core's tf.relu6 gradient passes at x = 6, kd's and PyTorch's do not", () => {
    const c = cases.find((k) => k.name === 'boundaries')!;
    const six = c.x.indexOf(6);
    const [, tfjs] = forwardAndGradient(tf.relu6, c.x, c.dy, c.shape);
    const [, kd] = forwardAndGradient(relu6, c.x, c.dy, c.shape);
    assert.equal(tfjs[six], Math.fround(c.dy[six]!));
    assert.equal(kd[six], 0);
    assert.equal(c.dx[six], 0);
    // Everywhere else the two agree (tfjs's product gives −0 where kd gives 0: equal numbers).
    const others = (a: Float32Array) => Array.from(a).filter((_, i) => i !== six);
    assertClose(others(tfjs), others(kd), 0, 0, 'tfjs vs kd away from 6');
  });

  test('a NaN input gets a zero gradient (TensorFlow; PyTorch would pass dy), leak-free', async () => {
    const dx = await noLeak(() =>
      tf.tidy(() => {
        const x = tf.tensor([Number.NaN, 3, Number.NaN]);
        const dy = tf.tensor([2, 5, -7]);
        return tf
          .grad((a: tf.Tensor) => tf.sum(tf.mul(relu6(a), dy)))(x)
          .dataSync();
      }),
    );
    // TensorFlow multiplies by the mask (−0 for a negative dy); the loops select (+0).
    assert.deepEqual(
      Array.from(dx).map((v) => v + 0),
      [0, 5, 0],
    );
  });

  test(`an infinite dy where the gradient is masked: ${backend === 'tensorflow' ? 'NaN (TensorFlow multiplies)' : '0 (as PyTorch)'}`, () => {
    const dx = tf.tidy(() => {
      const x = tf.tensor([-1, 7, 3]);
      const dy = tf.tensor([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]);
      return tf
        .grad((a: tf.Tensor) => tf.sum(tf.mul(relu6(a), dy)))(x)
        .dataSync();
    });
    const masked = backend === 'tensorflow' ? Number.NaN : 0;
    assert.deepEqual(Array.from(dx), [masked, masked, 1]);
  });

  // TensorFlow's threads may flush subnormals to zero (seen on a 12-element map's forward and on a
  // 1-element gradient, not on a 1-element forward): natively there is nothing fixed to assert.
  if (backend !== 'tensorflow')
    test('a subnormal positive input is kept, as PyTorch does', () => {
      const tiny = 1.401298464324817e-45; // the smallest float32 subnormal
      const [y, dx] = tf.tidy(() => {
        const x = tf.tensor([tiny]);
        return [
          relu6(x).dataSync()[0],
          tf
            .grad((a: tf.Tensor) => tf.sum(relu6(a)))(x)
            .dataSync()[0],
        ];
      });
      assert.deepEqual([y, dx], [tiny, 1]);
    });

  test('rejects a non-float32 gradient kernel input', () => {
    const x = tf.tensor([1, 2], [2], 'int32');
    const dy = tf.tensor([1, 2], [2], 'int32');
    tf.tidy(() => void relu6(tf.zeros([1])));
    assert.throws(
      () => tf.engine().runKernel(KD_RELU6_GRAD, { dy, x }),
      /expected float32 dy and x, got int32 and int32/,
    );
    tf.dispose([x, dy]);
  });
});
