import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean softmax cross-entropy of `[S, K]` logits against integer labels `[S]` (numerically stable:
 * log-softmax). Returns 0 for S = 0.
 */
export function softmaxCrossEntropyMean(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const [s, k] = logits.shape;
  if (s === 0) return tf.scalar(0);
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), k);
  return tf.div(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)))), s) as tf.Scalar;
}

/**
 * Σ smoothL1(pred − target) over rows where `mask` is 1, divided by `normalizer` — py-faster-rcnn's
 * σ convention is β = 1/σ². Written with min/abs arithmetic so every path has a gradient in tfjs.
 */
export function smoothL1Sum(
  pred: tf.Tensor2D,
  target: tf.Tensor2D,
  mask: tf.Tensor1D,
  beta: number,
  normalizer: number,
): tf.Scalar {
  if (pred.shape[0] === 0 || normalizer === 0) return tf.scalar(0);
  const a = tf.abs(tf.sub(pred, target));
  const c = tf.minimum(a, beta);
  const per = tf.add(tf.div(tf.mul(tf.square(c), 0.5), beta), tf.sub(a, c));
  return tf.div(tf.sum(tf.mul(per, tf.expandDims(mask, 1))), normalizer) as tf.Scalar;
}

/** Picks, for each row, the 4 deltas of its label's class from `[N, 4·(C+1)]`. */
export function deltasForLabels(deltas: tf.Tensor2D, labels: Int32Array): tf.Tensor2D {
  const n = deltas.shape[0];
  const classes = deltas.shape[1] / 4;
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
  const per = tf.reshape(deltas, [n, classes, 4]);
  return tf.sum(tf.mul(per, tf.expandDims(oneHot, 2)), 1) as tf.Tensor2D;
}
