import * as tf from '@tensorflow/tfjs-core';

/** A trainable tensor and its gradient (same shape). */
export interface VariableGradient {
  readonly variable: tf.Tensor;
  readonly gradient: tf.Tensor;
}

/** Whether L2 weight decay applies to a variable: weights (rank > 1), not biases or norms. */
export function decays(variable: tf.Tensor): boolean {
  return variable.rank > 1;
}

/**
 * L2 weight decay added to a step's gradients, gₖ + λ·vₖ for weights ({@link decays}), a copy of
 * gₖ otherwise (or for every gradient when λ is not given): tensor ops only, so that a native
 * graph can trace it (`MomentumSgd`). A number λ and a float32 scalar holding it give the same bits.
 * @returns new tensors, in `pairs`' order.
 */
export function decayGradients(
  pairs: readonly VariableGradient[],
  weightDecay?: number | tf.Scalar,
): tf.Tensor[] {
  return tf.tidy(() =>
    pairs.map(({ variable, gradient }) =>
      weightDecay !== undefined && decays(variable)
        ? tf.add(gradient, tf.mul(variable, weightDecay))
        : tf.clone(gradient),
    ),
  );
}

/** Σ g², a gradient's contribution to the squared global norm. */
export function squaredNorm(gradient: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.square(gradient)));
}

/**
 * The global-norm clipping factor c / (n + 10⁻⁶) when n exceeds c (`maxNorm`), else none:
 * PyTorch's `clip_grad_norm_` factor, which it clamps to 1.
 */
export function clipFactor(norm: number, maxNorm: number | undefined): number | undefined {
  return maxNorm !== undefined && norm > maxNorm ? maxNorm / (norm + 1e-6) : undefined;
}
