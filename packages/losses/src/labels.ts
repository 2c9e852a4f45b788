import type * as tf from '@tensorflow/tfjs-core';

/** Label of a sampled anchor/RoI that takes no part in any loss (neither sampled nor ignored by the sampler's choice). */
export const IGNORE_LABEL = -1;
/** Label of a background (negative) anchor/RoI; also the index of the background class column. */
export const BACKGROUND_LABEL = 0;

/**
 * Per-row training labels, shape `[K]` (any numeric dtype, integer values):
 * `IGNORE_LABEL` (−1) = not sampled, `BACKGROUND_LABEL` (0) = background, `c ≥ 1` = object class c
 * (for the RPN: 1 = object). Labels are data, never differentiated.
 */
export type Labels = tf.Tensor1D;
