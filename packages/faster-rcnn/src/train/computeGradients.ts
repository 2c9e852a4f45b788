import type { Rng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { FasterRcnn, TrainForward, TrainForwardOptions } from '../model/FasterRcnn.js';
import type { DetectionBatch } from '../model/types.js';

/** Turns a training forward pass into named scalar losses (default: the four detection losses). */
export type LossFn = (forward: TrainForward) => Readonly<Record<string, tf.Scalar>>;

export interface ComputeGradientsOptions extends TrainForwardOptions {
  /** Anchor and RoI sampling draw from it (the caller owns its state). */
  readonly rng: Rng;
  /** Named losses from the forward pass; default `forward.losses`. Their sum is differentiated. */
  readonly loss?: LossFn;
  /** More trainable variables (e.g. adaptation layers) differentiated with the model's. */
  readonly extraVariables?: readonly tf.Variable[];
}

/** The gradients of one batch's losses; `grads` are owned by the caller, who disposes them. */
export interface Gradients {
  /** The sum of the named losses. */
  readonly total: number;
  /** Every named loss, for logging. */
  readonly losses: Readonly<Record<string, number>>;
  /**
   * Variable name → gradient, for the model's trainable weights and `extraVariables`; a variable
   * the losses do not reach has no entry (as `tf.variableGrads` returns them).
   */
  readonly grads: tf.NamedTensorMap;
}

/** The variables `computeGradients` differentiates: the model's trainable ones, then the extra ones. */
export function gradientVariables(
  model: FasterRcnn,
  extraVariables: readonly tf.Variable[] = [],
): tf.Variable[] {
  return [...model.trainableVariables(), ...extraVariables];
}

/**
 * The first half of a training step: forward, named losses, and the gradients of their sum with
 * respect to the model's trainable weights (and `extraVariables`). Nothing is updated; the second
 * half is `applyGradients`. Data-parallel replicas each call this on their slice of the batch.
 * Throws (leaking nothing) when the loss function returns no terms or the total is not finite.
 */
export function computeGradients(
  model: FasterRcnn,
  batch: DetectionBatch,
  options: ComputeGradientsOptions,
): Gradients {
  const vars = gradientVariables(model, options.extraVariables);
  const losses: Record<string, number> = {};
  const { value, grads } = tf.variableGrads(() => {
    const forward = model.forwardTrain(batch, options.rng, options);
    const terms = options.loss ? options.loss(forward) : forward.losses;
    const entries = Object.entries(terms);
    if (entries.length === 0) throw new Error('training step: the loss function returned no terms');
    for (const [name, t] of entries) losses[name] = t.dataSync()[0]!;
    return tf.addN(entries.map(([, t]) => t)) as tf.Scalar;
  }, vars);
  const total = value.dataSync()[0]!;
  value.dispose();
  if (!Number.isFinite(total)) {
    tf.dispose(Object.values(grads));
    throw new Error(`training step: loss is not finite (${JSON.stringify(losses)})`);
  }
  return { total, losses, grads };
}
