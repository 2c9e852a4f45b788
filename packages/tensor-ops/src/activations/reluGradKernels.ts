import * as tf from '@tensorflow/tfjs-core';
import type { MaskedActivation } from './maskedActivation.js';

/** `dy` where `x > 0`, else 0, from public ops. `dy`, `x`: the same shape; returns that shape. */
export function reluGradComposite<T extends tf.Tensor>(dy: T, x: T): T {
  return tf.tidy(() => tf.where(tf.greater(x, 0), dy, tf.zerosLike(dy))) as T;
}

/**
 * kd's ReLU and the gradient its kernels compute, on every backend: `dy` where `x > 0` (+∞
 * included), else 0 — TensorFlow's `ReluGrad` and PyTorch's `threshold_backward(dy, x, 0)`.
 * tfjs-core's own `Relu` gradient, `dy · step(x)`, gives the same numbers — `dy · 1` is `dy`
 * exactly — except that where it masks it multiplies by 0: −0 for a negative `dy`, NaN for an
 * infinite `dy` or a NaN `x`. TensorFlow's `ReluGrad` multiplies too (−0, NaN for an infinite
 * `dy`, 0 for a NaN `x`); the loops and the composite select +0, as PyTorch does except for a NaN
 * `x` (PyTorch passes `dy`). So kd's trained models get the gradients tfjs-core's would give, up to
 * the sign of zeros (`@kd/faster-rcnn`'s `reluGradient.test` checks a detector's training step bit
 * for bit). On wasm the kernel runs tfjs-core's gradient itself (faster there, see below), so its
 * masked values are tfjs-core's.
 */
export const RELU_ACTIVATION: MaskedActivation = {
  forward: 'Relu',
  kernelName: 'KdRelu',
  gradKernelName: 'KdReluGrad',
  tensorflowOp: 'ReluGrad',
  // The mask, all ones where x > 0 (false for NaN), ANDed with the bits of dy.
  loop: (dy, x, out) => {
    for (let i = 0; i < out.length; i++) out[i] = dy[i]! & -Number(x[i]! > 0);
  },
  composite: reluGradComposite,
  // tfjs-core's two SIMD wasm kernels (`Step`, `Multiply`) beat one JavaScript pass over the
  // heap (`activationGradBench`: 0.2–0.5× for the loop), unlike ReLU6's five.
  tfjsGradientOn: ['wasm'],
};
