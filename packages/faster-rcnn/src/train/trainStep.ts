import * as tf from '@tensorflow/tfjs-core';
import type { FasterRcnn } from '../model/FasterRcnn.js';
import type { DetectionBatch } from '../model/types.js';
import { type ApplyGradientsOptions, applyGradients } from './applyGradients.js';
import {
  type ComputeGradientsOptions,
  computeGradients,
  gradientVariables,
} from './computeGradients.js';

export type { LossFn } from './computeGradients.js';

export interface TrainStepOptions extends ComputeGradientsOptions, ApplyGradientsOptions {}

export interface TrainStepResult {
  readonly total: number;
  /** Every named loss, for logging. */
  readonly losses: Readonly<Record<string, number>>;
  readonly gradNorm: number;
}

/**
 * One optimisation step: `computeGradients` (forward, named losses, gradients of their sum with
 * respect to the model's trainable weights and `extraVariables`) then `applyGradients` (weight
 * decay, optional clipping, update). Leak-free: the tensor count is the same before and after
 * (after the optimiser's first step).
 */
export function trainStep(
  model: FasterRcnn,
  batch: DetectionBatch,
  options: TrainStepOptions,
): TrainStepResult {
  const { total, losses, grads } = computeGradients(model, batch, options);
  try {
    const gradNorm = applyGradients(
      gradientVariables(model, options.extraVariables),
      grads,
      options,
    );
    return { total, losses, gradNorm };
  } finally {
    tf.dispose(Object.values(grads));
  }
}
