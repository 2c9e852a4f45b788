import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { DepthwiseConv2d } from './layers.js';
import { ParamStore } from './ParamStore.js';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

/** The k×k filter `[k, k, C, 1]` spread to `[(k−1)d+1, …]` with zeros between its taps. */
function zeroStuffed(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [k, , c] = w.shape;
  const K = (k - 1) * d + 1;
  const v = w.arraySync();
  const out = Array.from({ length: K }, () =>
    Array.from({ length: K }, () => Array.from({ length: c }, () => [0])),
  );
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      for (let ch = 0; ch < c; ch++) out[i * d]![j * d]![ch]![0] = v[i]![j]![ch]![0]!;
  return tf.tensor4d(out);
}

// On every backend: tensorflow computes it by space-to-batch, the others with the dilated kernel.
describeEachBackend('DepthwiseConv2d with dilation', () => {
  for (const [h, w] of [
    [8, 8],
    [7, 9],
    [5, 6],
  ] as const) {
    test(`equals tfjs's dilated depthwise convolution and its undilated 5×5 equivalent (${h}×${w}), values and gradients`, () => {
      const before = tf.memory().numTensors;
      const store = new ParamStore(4);
      const conv = new DepthwiseConv2d(store, 'dw', 3, 3, 1, 2);
      tf.tidy(() => {
        const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
        const filter = conv.w as tf.Tensor4D;
        const reference = tf.depthwiseConv2d(x, filter, 1, 'same', 'NHWC', 2);
        const y = conv.apply(x);
        assert.deepEqual(y.shape, [2, h, w, 3]);
        assert.ok(maxAbsDiff(y, reference) < 1e-5);

        // Gradients: against an undilated 5×5 depthwise convolution whose filter is the 3×3 one
        // with zeros between the taps (tfjs differentiates only undilated ones).
        const dy = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 8);
        const objective = (a: tf.Tensor4D) => tf.sum(tf.mul(conv.apply(a), dy)) as tf.Scalar;
        const dx = tf.grad((a: tf.Tensor) => objective(a as tf.Tensor4D))(x);
        const dw = tf.variableGrads(() => objective(x), [conv.w]).grads[conv.w.name]!;
        const stuffed = zeroStuffed(filter, 2);
        const theirs = tf.grads((a: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), dy)),
        )([x, stuffed]);
        assert.ok(maxAbsDiff(dx, theirs[0]!) < 1e-4, 'input gradient');
        const tapGrads = tf.stridedSlice(theirs[1]!, [0, 0, 0, 0], [5, 5, 3, 1], [2, 2, 1, 1]);
        assert.ok(maxAbsDiff(dw, tapGrads) < 1e-4, 'filter gradient');

        // With a bias and ReLU6 (the folded batch-norm form), gradients included.
        const bias = tf.randomNormal([3], 0, 1, 'float32', 9) as tf.Tensor1D;
        const fusedY = conv.apply(x, { weight: filter, bias, relu6: true });
        assert.ok(maxAbsDiff(fusedY, tf.relu6(tf.add(reference, bias))) < 1e-5, 'bias + ReLU6');
        const fusedDx = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.mul(conv.apply(a as tf.Tensor4D, { weight: filter, bias, relu6: true }), dy)),
        )(x);
        const theirFusedDx = tf.grad((a: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.relu6(tf.add(tf.depthwiseConv2d(a as tf.Tensor4D, stuffed, 1, 'same'), bias)),
              dy,
            ),
          ),
        )(x);
        assert.ok(maxAbsDiff(fusedDx, theirFusedDx) < 1e-4, 'bias + ReLU6 input gradient');
      });
      store.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  }

  test('rejects a stride with a dilation', () => {
    const store = new ParamStore(1);
    assert.throws(() => new DepthwiseConv2d(store, 'dw', 3, 3, 2, 2), /dw: .*stride 1/);
    store.dispose();
  });
});
