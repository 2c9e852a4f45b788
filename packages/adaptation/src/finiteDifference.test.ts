import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { channelL2Normalize } from './channelL2Normalize.js';
import { convAdaptationForward } from './convAdaptation.js';
import type { AxisResampling } from './interpolationMatrix.js';
import { resample } from './resample.js';

/** Central differences of `Σ f(x)·G` in float64 on the host vs the taped gradient. */
function checkGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  shape: number[],
  seed: number,
  what: string,
) {
  tf.tidy(() => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', seed);
    const g = tf.randomNormal(f(x).shape, 0, 1, 'float32', seed + 1);
    const objective = (xx: tf.Tensor) => tf.sum(tf.mul(f(xx), g));
    const analytic = tf.grad(objective)(x).dataSync();
    const base = x.dataSync();
    const h = 1e-2;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i]! += h;
      minus[i]! -= h;
      const fp = objective(tf.tensor(plus, shape)).dataSync()[0]!;
      const fm = objective(tf.tensor(minus, shape)).dataSync()[0]!;
      const numeric = (fp - fm) / (2 * h);
      assert.ok(
        Math.abs(numeric - analytic[i]!) <= 2e-2 * Math.max(1, Math.abs(numeric)),
        `${what}[${i}]: numeric ${numeric} vs analytic ${analytic[i]}`,
      );
    }
  });
}

describe('finite-difference gradient checks (non-square maps)', () => {
  before(useCpu);
  const modes: [AxisResampling, number, number][] = [
    ['bilinear', 6, 10],
    ['bilinear', 2, 7],
    ['nearest', 5, 8],
    ['area', 2, 3],
    ['stride', 2, 2],
    ['pad', 4, 3],
  ];
  for (const [mode, oh, ow] of modes) {
    test(`resample ${mode} [1,3,5,2] → [${oh},${ow}]`, () => {
      const shape = mode === 'area' || mode === 'stride' ? [1, 4, 6, 2] : [1, 3, 5, 2];
      checkGradient((x) => resample(x as tf.Tensor4D, oh, ow, mode), shape, 10, mode);
    });
  }

  test('conv 3×3 adaptation w.r.t. its input', () => {
    const kernel = tf.randomNormal([3, 3, 2, 3], 0, 0.5, 'float32', 3) as tf.Tensor4D;
    checkGradient(
      (x) => convAdaptationForward({ kernel }, x as tf.Tensor4D),
      [1, 3, 4, 2],
      20,
      'conv3x3',
    );
    kernel.dispose();
  });

  test('channel L2 normalisation', () => {
    checkGradient((x) => channelL2Normalize(x), [1, 2, 3, 4], 30, 'channelL2');
  });

  test('resample bilinear matches tf.image.resizeBilinear(halfPixelCenters) in value', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 40) as tf.Tensor4D;
      const a = resample(x, 7, 4, 'bilinear').dataSync();
      const b = tf.image.resizeBilinear(x, [7, 4], false, true).dataSync();
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5, `${i}`);
    });
  });
});
