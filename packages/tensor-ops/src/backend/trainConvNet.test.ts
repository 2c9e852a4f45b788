import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { onBackend, randomArray, relativeError } from '../internal/testing.js';
import { testBackends } from './describeEachBackend.js';
import { initBackend } from './initBackend.js';

/** Every backend but the cpu reference (too slow to train even this net). */
const TRAINED = testBackends().filter((b) => b !== 'cpu');

before(async () => {
  for (const backend of TRAINED.slice().reverse()) await initBackend({ backend });
});

interface Params {
  readonly c1: tf.Variable; // 3×3 stride 2
  readonly c2: tf.Variable; // 3×3 dilation 2
  readonly dw: tf.Variable; // depthwise 3×3, multiplier 2
  readonly fc: tf.Variable;
  readonly b: tf.Variable;
}

function makeParams(): Params {
  const v = (shape: number[], seed: number, scale: number) =>
    tf.variable(
      tf.mul(
        tf.tensor(
          randomArray(
            shape.reduce((a, b) => a * b),
            seed,
          ),
          shape,
        ),
        scale,
      ),
    );
  return {
    c1: v([3, 3, 3, 8], 21, 0.3),
    c2: v([3, 3, 8, 8], 22, 0.2),
    dw: v([3, 3, 8, 2], 23, 0.3),
    fc: v([16, 4], 24, 0.3),
    b: v([4], 25, 0.1),
  };
}

/** A convnet using every op kd's detectors train through: strided, dilated and depthwise convs,
 * max-pooling, a row gather (as RoI sampling does) and a dense layer; softmax cross-entropy loss. */
function loss(p: Params, x: tf.Tensor4D, rows: tf.Tensor1D, labels: tf.Tensor2D): tf.Scalar {
  const h1 = tf.relu(tf.conv2d(x, p.c1 as tf.Tensor4D, 2, 'same'));
  const h2 = tf.relu(tf.conv2d(h1, p.c2 as tf.Tensor4D, 1, 'same', 'NHWC', 2));
  const h3 = tf.relu(tf.depthwiseConv2d(h2, p.dw as tf.Tensor4D, [2, 2], 'valid'));
  const pooled = tf.maxPool(h3, 2, 2, 'valid');
  const flat = tf.reshape(pooled, [-1, 16]);
  const picked = tf.gather(flat, rows);
  const logits = tf.add(tf.matMul(picked, p.fc as tf.Tensor2D), p.b);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

function inputs() {
  const x = tf.tensor4d(randomArray(2 * 20 * 18 * 3, 31), [2, 20, 18, 3]);
  const rows = tf.tensor1d([0, 3, 3, 5, 7, 1], 'int32');
  const labels = tf.oneHot(tf.tensor1d([0, 1, 1, 2, 3, 0], 'int32'), 4) as tf.Tensor2D;
  return { x, rows, labels };
}

function firstGradients(): Float32Array[] {
  const p = makeParams();
  const { x, rows, labels } = inputs();
  const vars = [p.c1, p.c2, p.dw, p.fc, p.b];
  const { grads } = tf.variableGrads(() => loss(p, x, rows, labels), vars);
  const out = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
  tf.dispose([...Object.values(grads), ...vars, x, rows, labels]);
  return out;
}

for (const backend of TRAINED) {
  test(`a convnet with strided, dilated, depthwise convs, max-pool and gather has cpu gradients on ${backend}`, async () => {
    const ref = await onBackend('cpu', firstGradients);
    const got = await onBackend(backend, firstGradients);
    ref.forEach((r, i) => {
      const e = relativeError(got[i]!, r);
      assert.ok(e <= 1e-4, `parameter ${i}: relative error ${e}`);
    });
  });

  test(`it trains on ${backend}: loss falls and no tensor leaks across steps`, async () => {
    await tf.setBackend(backend);
    const p = makeParams();
    const { x, rows, labels } = inputs();
    const optimizer = tf.train.momentum(0.05, 0.9);
    const losses: number[] = [];
    let baseline = -1;
    for (let step = 0; step < 25; step++) {
      const value = optimizer.minimize(() => loss(p, x, rows, labels), true);
      losses.push(value!.dataSync()[0]!);
      value!.dispose();
      // The optimiser allocates its slots on the first step; from the second on nothing may grow.
      if (step === 1) baseline = tf.memory().numTensors;
      if (step > 1)
        assert.equal(tf.memory().numTensors, baseline, `tensor count changed at step ${step}`);
    }
    assert.ok(losses.every(Number.isFinite));
    assert.ok(losses.at(-1)! < 0.5 * losses[0]!, `loss ${losses[0]} -> ${losses.at(-1)}`);
    optimizer.dispose();
    tf.dispose([p.c1, p.c2, p.dw, p.fc, p.b, x, rows, labels]);
  });
}
