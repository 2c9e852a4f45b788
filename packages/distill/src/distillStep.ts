import {
  type DetectionBatch,
  type FasterRcnn,
  type TrainForward,
  type TrainStepOptions,
  type TrainStepResult,
  trainStep,
} from '@kd/faster-rcnn';
import type { DistillContext } from '@kd/losses';
import type * as tf from '@tensorflow/tfjs-core';
import type { Distillation } from './createDistillation.js';
import { hintForBatch } from './hintForBatch.js';

export interface DistillStepOptions
  extends Pick<TrainStepOptions, 'optimizer' | 'rng' | 'weightDecay' | 'clipGradNorm'> {
  /** The training step (0-based): the objective's weight schedules are read at it. */
  readonly step: number;
  /** The teacher's view of the batch `[B, H', W', 3]` when it sees another resolution; default the student's. */
  readonly teacherImages?: tf.Tensor4D;
}

/**
 * One result of a step. `total` is the loss minimised (the stack's `total`, or the sum of the
 * detector's own losses without a teacher); `losses` holds each term's **weighted** contribution
 * at this step (weight × unweighted term), so that they sum to `total` as logged.
 */
export type DistillStepResult = TrainStepResult;

/**
 * One distillation step: the student's training forward, the frozen teacher's forward on the same
 * sampled RoIs, the hint pair, the objective's `total`, and one optimiser update of the student
 * and the adaptation weights. Without `distillation` it is a plain detector training step.
 * Leak-free (after the optimiser's first step).
 */
export function distillStep(
  student: FasterRcnn,
  batch: DetectionBatch,
  distillation: Distillation | undefined,
  o: DistillStepOptions,
): DistillStepResult {
  const common = {
    optimizer: o.optimizer,
    rng: o.rng,
    ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}),
    ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
  };
  if (!distillation) return trainStep(student, batch, common);
  const d = distillation;
  const weighted: Record<string, number> = {};
  const r = trainStep(student, batch, {
    ...common,
    loss: (fwd: TrainForward): Record<string, tf.Scalar> => {
      const ctx = distillContext(d, student, fwd, o.teacherImages ?? batch.images);
      const out = d.stack.evaluate(ctx, o.step);
      for (const [k, c] of Object.entries(out.components))
        weighted[k] = (out.weights[k] ?? 0) * c.dataSync()[0]!;
      return { total: out.total };
    },
    ...(d.studentLayer ? { collect: [d.studentLayer] } : {}),
    ...(d.pairing ? { extraVariables: d.pairing.variables() } : {}),
  });
  return { ...r, losses: weighted };
}

/** The objective's inputs for one batch: student and teacher outputs on the same RoIs, and the hint pair. */
function distillContext(
  d: Distillation,
  student: FasterRcnn,
  fwd: TrainForward,
  teacherImages: tf.Tensor4D,
): DistillContext {
  const [fh, fw] = fwd.rows.featureSize;
  const t = d.teacher.forwardOnRows(teacherImages, fwd.rows, student.anchors(fh, fw), d.scale, {
    collect: d.teacherLayer ? [d.teacherLayer] : [],
    ...(d.teacherTrunk ? { trunk: d.teacherTrunk.run } : {}),
  });
  const sFeat = d.studentLayer ? fwd.features[d.studentLayer] : undefined;
  const tFeat = d.teacherLayer ? t.features[d.teacherLayer] : undefined;
  const hint =
    sFeat && tFeat && d.pairing ? hintForBatch(d.pairing, sFeat, tFeat, d.plans) : undefined;
  return {
    student: {
      ...fwd.outputs,
      ...(sFeat ? { features: sFeat } : {}),
      ...(hint ? { adaptedFeatures: hint.adapted } : {}),
    },
    teacher: {
      ...t.outputs,
      ...(hint ? { features: hint.target } : tFeat ? { features: tFeat } : {}),
    },
    targets: fwd.targets,
  };
}
