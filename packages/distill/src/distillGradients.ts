import {
  type ComputeGradientsOptions,
  computeGradients,
  type DetectionBatch,
  type FasterRcnn,
  type Gradients,
  gradientVariables,
  type TrainForward,
  type TrunkOutputs,
} from '@kd/faster-rcnn';
import type { DistillContext } from '@kd/losses';
import type * as tf from '@tensorflow/tfjs-core';
import type { Distillation } from './createDistillation.js';
import { hintForBatch } from './hintForBatch.js';

export interface DistillGradientsOptions
  extends Pick<ComputeGradientsOptions, 'rng' | 'trainingTrunk' | 'proposals'> {
  /** The training step (0-based): the objective's weight schedules are read at it. */
  readonly step: number;
  /** The teacher's view of the batch `[B, H', W', 3]` when it sees another resolution; default the student's. */
  readonly teacherImages?: tf.Tensor4D;
  /**
   * The teacher's trunk outputs on this batch, computed elsewhere (a `TeacherThread`, one step
   * ahead): called inside the step, its tensors are freed with the step's. Default: the
   * distillation's compiled trunk, else the teacher's own layers, on `teacherImages`.
   */
  readonly teacherTrunk?: (images: tf.Tensor4D) => TrunkOutputs;
}

/**
 * The gradients of one distillation step, nothing updated: the student's training forward, the
 * frozen teacher's forward on the same sampled RoIs, the hint pair, the objective's `total`, and
 * its gradients with respect to the student's trainable weights and the adaptation weights
 * (`distillVariables`). `total` is the loss minimised (the stack's `total`, or the sum of the
 * detector's own losses without a teacher); `losses` holds each term's **weighted** contribution
 * (weight × unweighted term), so that they sum to `total`. The caller disposes `grads`.
 */
export function distillGradients(
  student: FasterRcnn,
  batch: DetectionBatch,
  distillation: Distillation | undefined,
  o: DistillGradientsOptions,
): Gradients {
  const trunk = {
    ...(o.trainingTrunk ? { trainingTrunk: o.trainingTrunk } : {}),
    ...(o.proposals ? { proposals: o.proposals } : {}),
  };
  if (!distillation) return computeGradients(student, batch, { rng: o.rng, ...trunk });
  const d = distillation;
  const weighted: Record<string, number> = {};
  const r = computeGradients(student, batch, {
    rng: o.rng,
    ...trunk,
    loss: (fwd: TrainForward): Record<string, tf.Scalar> => {
      const ctx = distillContext(
        d,
        student,
        fwd,
        o.teacherImages ?? batch.images,
        o.teacherTrunk ?? d.teacherTrunk?.run,
      );
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

/** The variables a distillation step trains: the student's trainable weights, then the adaptation's. */
export function distillVariables(
  student: FasterRcnn,
  distillation: Distillation | undefined,
): tf.Variable[] {
  return gradientVariables(student, distillation?.pairing?.variables() ?? []);
}

/** The objective's inputs for one batch: student and teacher outputs on the same RoIs, and the hint pair. */
function distillContext(
  d: Distillation,
  student: FasterRcnn,
  fwd: TrainForward,
  teacherImages: tf.Tensor4D,
  trunk: ((images: tf.Tensor4D) => TrunkOutputs) | undefined,
): DistillContext {
  const [fh, fw] = fwd.rows.featureSize;
  const t = d.teacher.forwardOnRows(teacherImages, fwd.rows, student.anchors(fh, fw), d.scale, {
    collect: d.teacherLayer ? [d.teacherLayer] : [],
    ...(trunk ? { trunk } : {}),
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
