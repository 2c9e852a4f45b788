import {
  type ApplyGradientsOptions,
  applyGradients,
  type DetectionBatch,
  type FasterRcnn,
  type TrainStepResult,
} from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import type { Distillation } from './createDistillation.js';
import {
  type DistillGradientsOptions,
  distillGradients,
  distillVariables,
} from './distillGradients.js';

export interface DistillStepOptions extends DistillGradientsOptions, ApplyGradientsOptions {}

/**
 * One result of a step. `total` is the loss minimised (the stack's `total`, or the sum of the
 * detector's own losses without a teacher); `losses` holds each term's **weighted** contribution
 * at this step (weight × unweighted term), so that they sum to `total` as logged.
 */
export type DistillStepResult = TrainStepResult;

/**
 * One distillation step: `distillGradients` (the student's training forward, the frozen teacher's
 * forward on the same sampled RoIs, the hint pair, the gradients of the objective's `total`) and
 * one optimiser update of the student and the adaptation weights (`applyGradients`). Without
 * `distillation` it is a plain detector training step. Leak-free (after the optimiser's first step).
 */
export function distillStep(
  student: FasterRcnn,
  batch: DetectionBatch,
  distillation: Distillation | undefined,
  o: DistillStepOptions,
): DistillStepResult {
  const { total, losses, grads } = distillGradients(student, batch, distillation, o);
  try {
    const gradNorm = applyGradients(distillVariables(student, distillation), grads, o);
    return { total, losses, gradNorm };
  } finally {
    tf.dispose(Object.values(grads));
  }
}
