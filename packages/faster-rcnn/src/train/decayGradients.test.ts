import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { clipFactor, decayGradients, squaredNorm } from './decayGradients.js';

describeEachBackend('decayGradients', () => {
  test('adds λ·v to weights only; a number and a scalar λ give the same bits; copies', () => {
    const w = tf.tensor2d([
      [1, -2],
      [3, 0.5],
    ]);
    const b = tf.tensor1d([10, -20]);
    const gw = tf.tensor2d([
      [0.25, 0.5],
      [-1, 2],
    ]);
    const gb = tf.tensor1d([0.5, 1.5]);
    const pairs = [
      { variable: w, gradient: gw },
      { variable: b, gradient: gb },
    ];
    const before = tf.memory().numTensors;
    const lambda = tf.scalar(0.1);
    const [dw, db] = decayGradients(pairs, 0.1);
    const [sw, sb] = decayGradients(pairs, lambda);
    const [nw, nb] = decayGradients(pairs);
    assert.deepEqual(
      Array.from(dw!.dataSync()),
      [0.25 + 0.1, 0.5 - 0.2, -1 + 0.3, 2 + 0.05].map(Math.fround),
    );
    assert.deepEqual(db!.dataSync(), gb.dataSync(), 'biases are not decayed');
    assert.deepEqual(sw!.dataSync(), dw!.dataSync());
    assert.deepEqual(sb!.dataSync(), db!.dataSync());
    assert.deepEqual(nw!.dataSync(), gw.dataSync());
    assert.notEqual(nw, gw, 'a new tensor, the caller’s to dispose');
    const s = squaredNorm(gb);
    assert.equal(s.dataSync()[0], 0.25 + 2.25);
    tf.dispose([dw!, db!, sw!, sb!, nw!, nb!, lambda, s]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([w, b, gw, gb]);
  });
});

test('clipFactor: c / (n + 1e-6) above the threshold, none at or below it', () => {
  assert.equal(clipFactor(20, 10), 10 / (20 + 1e-6));
  assert.equal(clipFactor(10, 10), undefined);
  assert.equal(clipFactor(3, 10), undefined);
  assert.equal(clipFactor(1e9, undefined), undefined);
  assert.equal(clipFactor(Number.NaN, 10), undefined);
});
