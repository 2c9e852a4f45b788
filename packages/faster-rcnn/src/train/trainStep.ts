import type { Rng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { FasterRcnn, ForwardOptions, TrainForward } from '../model/FasterRcnn.js';
import type { DetectionBatch } from '../model/types.js';

/** Turns a training forward pass into named scalar losses (default: the four detection losses). */
export type LossFn = (forward: TrainForward) => Readonly<Record<string, tf.Scalar>>;

export interface TrainStepOptions extends ForwardOptions {
  readonly optimizer: tf.Optimizer;
  readonly rng: Rng;
  /** Named losses from the forward pass; default `forward.losses`. Their sum is minimised. */
  readonly loss?: LossFn;
  /** L2 weight decay added to the gradients of weights (not biases, not norms). Default 1e-4. */
  readonly weightDecay?: number;
  /** Clip the global gradient norm to this value. Default: no clipping. */
  readonly clipGradNorm?: number;
  /** More trainable variables (e.g. adaptation layers) optimised with the model's. */
  readonly extraVariables?: readonly tf.Variable[];
}

export interface TrainStepResult {
  readonly total: number;
  /** Every named loss, for logging. */
  readonly losses: Readonly<Record<string, number>>;
  readonly gradNorm: number;
}

function decays(v: tf.Variable): boolean {
  return v.rank > 1;
}

/**
 * One optimisation step: forward, named losses, gradients of their sum with respect to the
 * model's trainable weights (and `extraVariables`), weight decay, optional clipping, update.
 * Leak-free: the tensor count is the same before and after (after the optimiser's first step).
 */
export function trainStep(
  model: FasterRcnn,
  batch: DetectionBatch,
  options: TrainStepOptions,
): TrainStepResult {
  const vars = [...model.trainableVariables(), ...(options.extraVariables ?? [])];
  const losses: Record<string, number> = {};
  const { value, grads } = tf.variableGrads(() => {
    const forward = model.forwardTrain(batch, options.rng, options);
    const terms = options.loss ? options.loss(forward) : forward.losses;
    const entries = Object.entries(terms);
    if (entries.length === 0) throw new Error('trainStep: the loss function returned no terms');
    for (const [name, t] of entries) losses[name] = t.dataSync()[0]!;
    return tf.addN(entries.map(([, t]) => t)) as tf.Scalar;
  }, vars);
  const total = value.dataSync()[0]!;
  value.dispose();
  if (!Number.isFinite(total)) {
    tf.dispose(Object.values(grads));
    throw new Error(`trainStep: loss is not finite (${JSON.stringify(losses)})`);
  }
  const wd = options.weightDecay ?? 1e-4;
  const byName = new Map(vars.map((v) => [v.name, v]));
  const updated = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(grads)) {
      const v = byName.get(name)!;
      out[name] = wd > 0 && decays(v) ? tf.add(g, tf.mul(v, wd)) : tf.clone(g);
    }
    return out;
  });
  tf.dispose(Object.values(grads));
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
  return { total, losses, gradNorm };
}
