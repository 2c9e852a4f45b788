import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, fixture, noLeak } from '../test-util.js';
import { describeEachBackend } from './describeEachBackend.js';

interface PoolCase {
  readonly op: 'max' | 'avg';
  readonly sign: 'negative' | 'mixed';
  readonly shape: [number, number, number, number];
  readonly outShape: [number, number, number, number];
  readonly k: number;
  readonly stride: number;
  readonly pad: 'same' | 'valid';
  readonly x: number[];
  readonly dy: number[];
  readonly y: number[];
  readonly dx: number[];
}

const { cases } = fixture('pool-gradients.json') as { cases: PoolCase[] };

// Every case's 'same' padding is symmetric, so PyTorch's padding (ignored by max, excluded from the
// average by count_include_pad=False) is TensorFlow's.
describeEachBackend('max/avg pooling and their gradients equal PyTorch', () => {
  for (const c of cases) {
    test(`${c.op}Pool k${c.k} s${c.stride} ${c.pad} ${c.shape.join('x')} (${c.sign} inputs)`, async () => {
      const [y, dx] = await noLeak(() =>
        tf.tidy(() => {
          const pool = (x: tf.Tensor4D) =>
            c.op === 'max'
              ? tf.maxPool(x, c.k, c.stride, c.pad)
              : tf.avgPool(x, c.k, c.stride, c.pad);
          const x = tf.tensor4d(c.x, c.shape);
          const dy = tf.tensor4d(c.dy, c.outShape);
          const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), dy)));
          return [pool(x).dataSync(), g(x).dataSync()];
        }),
      );
      assertClose(y!, c.y, 1e-5, 1e-6, 'forward');
      assertClose(dx!, c.dx, 1e-5, 1e-6, 'gradient');
    });
  }
});
