import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as createRng } from '@kd/random';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, noLeak } from '../test-util.js';
import { describeEachBackend } from './describeEachBackend.js';
import { isStridedPointwise } from './patchStridedPointwiseFilterGrad.js';

/** dW of a 1×1 convolution by its definition: Σ over images and output positions of x·dy. */
function pointwiseFilterGrad(
  x: Float32Array,
  [n, h, w, cin]: readonly [number, number, number, number],
  dy: Float32Array,
  [, ho, wo, cout]: readonly [number, number, number, number],
  s: number,
): Float64Array {
  const out = new Float64Array(cin * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let ci = 0; ci < cin; ci++) {
          const xv = x[((b * h + i * s) * w + j * s) * cin + ci]!;
          for (let co = 0; co < cout; co++)
            out[ci * cout + co]! += xv * dy[((b * ho + i) * wo + j) * cout + co]!;
        }
  return out;
}

const CASES: readonly {
  shape: [number, number, number, number];
  cout: number;
  stride: number;
  pad: 'same' | 'valid';
}[] = [
  // The shapes that crashed TensorFlow 2.21's oneDNN kernel (ResNet-18 ×0.125's shortcut at 64 px).
  { shape: [2, 16, 16, 8], cout: 16, stride: 2, pad: 'same' },
  { shape: [2, 16, 16, 8], cout: 16, stride: 2, pad: 'valid' },
  { shape: [2, 64, 64, 8], cout: 16, stride: 2, pad: 'same' },
  { shape: [8, 16, 16, 8], cout: 16, stride: 2, pad: 'same' },
  { shape: [2, 17, 15, 4], cout: 6, stride: 3, pad: 'same' },
];

describeEachBackend('1×1 strided convolution filter gradients', () => {
  for (const c of CASES) {
    test(`${c.shape.join('x')} → ${c.cout}, stride ${c.stride}, ${c.pad}: the definition`, async () => {
      const rng = createRng(c.shape[1] * 31 + c.cout);
      const x = Float32Array.from(
        { length: c.shape.reduce((a, b) => a * b) },
        () => rng.next() - 0.5,
      );
      const [n, h, w] = c.shape;
      const outShape: [number, number, number, number] = [
        n,
        Math.ceil(h / c.stride),
        Math.ceil(w / c.stride),
        c.cout,
      ];
      const dy = Float32Array.from(
        { length: outShape.reduce((a, b) => a * b) },
        () => rng.next() - 0.5,
      );
      const [dw] = await noLeak(() =>
        tf.tidy(() => {
          const xt = tf.tensor4d(x, c.shape);
          const dyt = tf.tensor4d(dy, outShape);
          const g = tf.grad((f: tf.Tensor) =>
            tf.sum(tf.mul(tf.conv2d(xt, f as tf.Tensor4D, c.stride, c.pad), dyt)),
          );
          return [g(tf.zeros([1, 1, c.shape[3], c.cout])).dataSync()];
        }),
      );
      assertClose(
        dw!,
        Array.from(pointwiseFilterGrad(x, c.shape, dy, outShape, c.stride)),
        1e-5,
        1e-5,
        'dW',
      );
    });
  }
});

test('which calls take the pointwise path', () => {
  const base = { filterShape: [1, 1, 8, 16], strides: [2, 2], pad: 'same', dataFormat: 'NHWC' };
  assert.equal(isStridedPointwise(base), true);
  assert.equal(isStridedPointwise({ ...base, pad: 'valid', strides: 3 }), true);
  assert.equal(isStridedPointwise({ ...base, pad: 0 }), true);
  assert.equal(isStridedPointwise({ ...base, pad: 1 }), false);
  assert.equal(isStridedPointwise({ ...base, strides: [1, 1] }), false);
  assert.equal(isStridedPointwise({ ...base, filterShape: [3, 3, 8, 16] }), false);
  assert.equal(isStridedPointwise({ ...base, dilations: [2, 2] }), false);
  assert.equal(
    isStridedPointwise({
      ...base,
      pad: [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
    }),
    false,
  );
});
