import * as tf from '@tensorflow/tfjs-core';
import { classColumnWeights } from './classColumnWeights.js';
import type { Labels } from './labels.js';
import type { Normalization } from './normalization.js';
import { softCrossEntropy } from './softCrossEntropy.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';

export interface DistillationClassificationOptions {
  /** Weight μ ∈ [0, 1] of the hard loss; the soft loss gets 1 − μ. Default 0.5. */
  readonly mu?: number;
  readonly temperature?: number;
  /** Default: the paper's `classColumnWeights(C)` (background 1.5, objects 1.0). */
  readonly classWeights?: readonly number[];
  readonly scaleByTemperatureSquared?: boolean;
  /** Applies to both parts. Default `'sampled'`. */
  readonly normalization?: Normalization;
}

/**
 * `L_cls = μ · L_hard(P_s, y) + (1 − μ) · L_soft(P_s, P_t)` of the paper, both parts normalised
 * over the sampled rows. μ = 1 is the plain Faster R-CNN classification loss.
 * @param studentLogits `[K, C]` (column 0 = background). Differentiable.
 * @param teacherLogits `[K, C]` teacher logits on the same rows; detached.
 * @param labels `[K]` ground-truth classes (−1 ignored).
 * @returns scalar; the caller disposes it.
 */
export function distillationClassificationLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  labels: Labels,
  options: DistillationClassificationOptions = {},
): tf.Scalar {
  const mu = options.mu ?? 0.5;
  if (!(mu >= 0 && mu <= 1)) throw new Error(`distillation mu must be in [0, 1], got ${mu}`);
  const normalization = options.normalization ?? 'sampled';
  return tf.tidy(() => {
    const hard = softmaxCrossEntropy(studentLogits, labels, { normalization });
    const soft = softCrossEntropy(studentLogits, teacherLogits, {
      labels,
      normalization,
      classWeights: options.classWeights ?? classColumnWeights(studentLogits.shape[1]),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.scaleByTemperatureSquared === undefined
        ? {}
        : { scaleByTemperatureSquared: options.scaleByTemperatureSquared }),
    });
    return tf.add(tf.mul(hard, mu), tf.mul(soft, 1 - mu)) as tf.Scalar;
  });
}
