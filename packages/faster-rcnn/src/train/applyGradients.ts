import * as tf from '@tensorflow/tfjs-core';

export interface ApplyGradientsOptions {
  readonly optimizer: tf.Optimizer;
  /** L2 weight decay added to the gradients of weights (not biases, not norms). Default 1e-4. */
  readonly weightDecay?: number;
  /** Clip the global gradient norm to this value. Default: no clipping. */
  readonly clipGradNorm?: number;
}

function decays(v: tf.Variable): boolean {
  return v.rank > 1;
}

/**
 * The second half of a training step: weight decay, optional global-norm clipping, one optimiser
 * update of `vars` with `grads` (variable name → gradient; a variable without an entry is not
 * updated). `grads` are read, never disposed: the caller frees them.
 * @returns the global gradient norm after weight decay, before clipping.
 */
export function applyGradients(
  vars: readonly tf.Variable[],
  grads: tf.NamedTensorMap,
  options: ApplyGradientsOptions,
): number {
  const wd = options.weightDecay ?? 1e-4;
  const byName = new Map(vars.map((v) => [v.name, v]));
  const updated = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(grads)) {
      const v = byName.get(name);
      if (!v) throw new Error(`applyGradients: a gradient for '${name}', which is not among vars`);
      out[name] = wd > 0 && decays(v) ? tf.add(g, tf.mul(v, wd)) : tf.clone(g);
    }
    return out;
  });
  const gradNorm = tf.tidy(() =>
    Math.sqrt(tf.addN(Object.values(updated).map((g) => tf.sum(tf.square(g)))).dataSync()[0]!),
  );
  if (options.clipGradNorm !== undefined && gradNorm > options.clipGradNorm) {
    const f = options.clipGradNorm / (gradNorm + 1e-6);
    for (const name of Object.keys(updated)) {
      const old = updated[name]!;
      updated[name] = tf.mul(old, f);
      old.dispose();
    }
  }
  options.optimizer.applyGradients(updated as tf.NamedTensorMap);
  tf.dispose(Object.values(updated));
  return gradNorm;
}
