import * as tf from '@tensorflow/tfjs-core';
import {
  clipFactor,
  decayGradients,
  squaredNorm,
  type VariableGradient,
} from './decayGradients.js';

export interface ApplyGradientsOptions {
  /**
   * Any tfjs optimiser. One that also implements {@link RegularizingOptimizer} (kd's
   * `MomentumSgd`) is handed the weight decay and clipping too, to do them with its update.
   */
  readonly optimizer: tf.Optimizer;
  /** L2 weight decay added to the gradients of weights (not biases, not norms). Default 1e-4. */
  readonly weightDecay?: number;
  /** Clip the global gradient norm to this value. Default: no clipping. */
  readonly clipGradNorm?: number;
}

/**
 * An optimiser that applies {@link applyGradients}' weight decay and clipping together with its
 * own update (kd's `MomentumSgd` runs them as native graphs on the tensorflow backend).
 */
export interface RegularizingOptimizer {
  /**
   * Weight decay, clipping and the update of each pair's variable, with the same results as
   * {@link applyGradients} op by op; `undefined` when this optimiser cannot here (then
   * `applyGradients` runs them op by op and calls its `applyGradients`).
   * @returns the global gradient norm after weight decay, before clipping.
   */
  applyRegularized(
    pairs: ReadonlyArray<VariableGradient & { readonly variable: tf.Variable }>,
    options: { readonly weightDecay: number; readonly clipGradNorm?: number | undefined },
  ): number | undefined;
}

function isRegularizing(o: tf.Optimizer): o is tf.Optimizer & RegularizingOptimizer {
  return typeof (o as Partial<RegularizingOptimizer>).applyRegularized === 'function';
}

/**
 * ‖(g₁, …, gₘ)‖₂ from the gradients' squared norms: TensorFlow's `AddN`, then the square root on
 * the host in float64 (the one host read of the update).
 */
export function globalNorm(squaredNorms: readonly tf.Scalar[]): number {
  if (squaredNorms.length === 0) return 0;
  return Math.sqrt(tf.tidy(() => tf.addN([...squaredNorms]).dataSync()[0]!));
}

/**
 * The second half of a training step: weight decay (`decayGradients`), optional global-norm
 * clipping (`clipFactor`), one optimiser update of `vars` with `grads` (variable name →
 * gradient; a variable without an entry is not updated). `grads` are read, never disposed: the
 * caller frees them.
 * @returns the global gradient norm after weight decay, before clipping.
 */
export function applyGradients(
  vars: readonly tf.Variable[],
  grads: tf.NamedTensorMap,
  options: ApplyGradientsOptions,
): number {
  const weightDecay = options.weightDecay ?? 1e-4;
  const byName = new Map(vars.map((v) => [v.name, v]));
  const names = Object.keys(grads);
  const pairs = names.map((name) => {
    const variable = byName.get(name);
    if (!variable) {
      throw new Error(`applyGradients: a gradient for '${name}', which is not among vars`);
    }
    return { variable, gradient: grads[name]! };
  });
  const { optimizer, clipGradNorm } = options;
  if (isRegularizing(optimizer)) {
    const norm = optimizer.applyRegularized(pairs, { weightDecay, clipGradNorm });
    if (norm !== undefined) return norm;
  }
  let updated = decayGradients(pairs, weightDecay > 0 ? weightDecay : undefined);
  try {
    const gradNorm = tf.tidy(() => globalNorm(updated.map(squaredNorm)));
    const f = clipFactor(gradNorm, clipGradNorm);
    if (f !== undefined) {
      const clipped = tf.tidy(() => updated.map((g) => tf.mul(g, f)));
      tf.dispose(updated);
      updated = clipped;
    }
    optimizer.applyGradients(Object.fromEntries(names.map((n, i) => [n, updated[i]!])));
    return gradNorm;
  } finally {
    tf.dispose(updated);
  }
}
