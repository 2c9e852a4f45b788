import * as tf from '@tensorflow/tfjs-core';
import { nonDifferentiable } from './internal/nonDifferentiable.js';
import { oneHotFloat } from './internal/oneHotFloat.js';
import { expectShape } from './internal/shapes.js';
import type { Labels } from './labels.js';

/**
 * Picks each RoI's class-specific box deltas: `[K, 4·(C+1)]` → `[K, 4]`, row k taking the 4
 * columns of class `labels[k]` (class-major: columns `4c … 4c+3`). Rows labelled 0 or −1 get the
 * background block, which the regression losses mask out anyway.
 *
 * Written as a one-hot product rather than `gather`, so its gradient needs no
 * `UnsortedSegmentSum` kernel (missing on stock wasm). Differentiable in `deltas`.
 * Already-selected `[K, 4]` deltas are returned as a copy.
 * @returns `[K, 4]`; the caller disposes it.
 */
export function selectClassDeltas(deltas: tf.Tensor2D, labels: Labels): tf.Tensor2D {
  expectShape('selectClassDeltas deltas', deltas, [null, null], '[K, 4] or [K, 4·(C+1)] deltas');
  expectShape('selectClassDeltas labels', labels, [deltas.shape[0]], '[K] labels');
  const [k, width] = deltas.shape;
  if (width === 4) return tf.clone(deltas);
  if (width % 4 !== 0 || width === 0) {
    throw new Error(
      `selectClassDeltas: deltas must be [K, 4] or [K, 4·(C+1)], got [${deltas.shape.join(', ')}]`,
    );
  }
  const classes = width / 4;
  return tf.tidy(() => {
    const pick = nonDifferentiable([labels], (l) =>
      tf.reshape(oneHotFloat(tf.maximum(l as tf.Tensor1D, 0), classes), [k, classes, 1]),
    );
    return tf.sum(tf.mul(tf.reshape(deltas, [k, classes, 4]), pick), 1) as tf.Tensor2D;
  });
}
