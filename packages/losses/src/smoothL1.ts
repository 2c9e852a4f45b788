import * as tf from '@tensorflow/tfjs-core';
import { expectSameShape } from './internal/shapes.js';

/**
 * The smooth-L1 transition point, in either convention:
 * - `{ sigma }` (py-faster-rcnn): quadratic `0.5·σ²·x²` for `|x| < 1/σ²`, else `|x| − 0.5/σ²`;
 * - `{ beta }` (torchvision / `F.smooth_l1_loss`): quadratic `0.5·x²/β` for `|x| < β`, else `|x| − 0.5·β`.
 * They are the same function with **β = 1/σ²** (σ = 1 ⇔ β = 1; σ = 3 ⇔ β = 1/9). β = 0 is plain L1.
 */
export type SmoothL1Options = { readonly sigma: number } | { readonly beta: number };

/** β for either convention; throws on a negative or non-finite value. */
export function smoothL1Beta(options: SmoothL1Options): number {
  const beta = 'beta' in options ? options.beta : 1 / (options.sigma * options.sigma);
  if (!(beta >= 0) || !Number.isFinite(beta)) {
    throw new Error(`smooth L1: need beta ≥ 0 (or sigma > 0), got ${JSON.stringify(options)}`);
  }
  return beta;
}

/**
 * Elementwise smooth L1 of `pred − target` (Huber loss divided by β).
 *
 * Written as `q = min(|x|, β)`, `0.5·q²/β + (|x| − q)`: no comparison op on the differentiated path,
 * so tfjs can backpropagate it; the gradient is `clip(x/β, −1, 1)` as in PyTorch.
 * @param pred any shape. Differentiable.
 * @param target same shape as `pred`; treated as data.
 * @returns same shape as `pred`; the caller disposes it.
 */
export function smoothL1(pred: tf.Tensor, target: tf.Tensor, options: SmoothL1Options): tf.Tensor {
  expectSameShape('smoothL1 pred', pred, 'target', target);
  const beta = smoothL1Beta(options);
  return tf.tidy(() => {
    const a = tf.abs(tf.sub(pred, target));
    if (beta === 0) return a;
    const q = tf.minimum(a, beta);
    return tf.add(tf.mul(tf.square(q), 0.5 / beta), tf.sub(a, q));
  });
}
