import { createHintPairing, type HintPairing, type ResolutionPlan } from '@kd/adaptation';
import { prepareSample, type Sample, type TransformOptions } from '@kd/data-voc-coco-kitti';
import { type CompiledTrunk, compileTrunk, type FasterRcnn, loadFasterRcnn } from '@kd/faster-rcnn';
import {
  ablationStack,
  cosineWarmup,
  type DistillContext,
  decodePaperObjectiveConfig,
  type LossStack,
  type PaperObjectiveOptions,
  paperObjective,
} from '@kd/losses';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { resolveCheckpoint } from './resolveCheckpoint.js';
import type { RunConfig } from './runConfig.js';

/** The `distill` section of a run config. */
export type DistillConfig = NonNullable<RunConfig['distill']>;

/**
 * What a distillation run holds besides the student: the frozen teacher, the objective, and the
 * hint pairing (guided layer → adaptation → hint layer) with its trainable adaptation weights.
 * `dispose()` frees the teacher and the adaptation weights.
 */
export interface Distillation {
  readonly teacher: FasterRcnn;
  /** Teacher input size over student input size (1 in the same-resolution setting). */
  readonly scale: number;
  /** The teacher's own resize when it sees the images at another resolution than the student. */
  readonly teacherTransform: TransformOptions | undefined;
  readonly pairing: HintPairing | undefined;
  /** The objective minimised: its `total` is the loss of each step. */
  readonly stack: LossStack<DistillContext>;
  readonly teacherLayer: string | undefined;
  readonly studentLayer: string | undefined;
  /** The teacher's trunk as compiled graphs (`distill.compileTeacher`), else the teacher runs op by op. */
  readonly teacherTrunk?: CompiledTrunk;
  /** Resolution plans of batches whose maps differ from the pairing's (filled as they come). */
  readonly plans: Map<string, ResolutionPlan>;
  dispose(): void;
}

export interface CreateDistillationOptions {
  readonly config: DistillConfig;
  readonly student: FasterRcnn;
  /** The student's resize; the teacher's defaults to the same scaled by `teacherMinSize`. */
  readonly transform: TransformOptions;
  /** A training sample: its prepared size fixes the pairing's feature shapes. */
  readonly sample: Sample;
  /**
   * A user-composed objective replacing the one `config` describes (`objective`, `ablation`); the
   * hint pairing is built when `config.hint` is given.
   */
  readonly lossStack?: LossStack<DistillContext>;
  /** The student's dataset classes, in order: a teacher trained on another order is refused. */
  readonly classNames?: readonly string[];
}

function featureShape(model: FasterRcnn, layer: string, h: number, w: number): number[] {
  const info = model.backbone.layers.find((l) => l.name === layer);
  if (!info) {
    throw new Error(
      `backbone ${model.backbone.name} has no layer '${layer}' (layers: ${model.backbone.layers.map((l) => l.name).join(', ')})`,
    );
  }
  return [Math.ceil(h / info.stride), Math.ceil(w / info.stride), info.channels];
}

/** The objective options a run config's `distill` section asks for (decoded with the run config). */
export function objectiveOptions(config: DistillConfig): PaperObjectiveOptions {
  let objective: PaperObjectiveOptions = {};
  if (config.objective) {
    // Already checked by decodeRunConfig: this only turns schedule specs into schedules.
    const r = decodePaperObjectiveConfig(config.objective, 'run config', 'distill.objective');
    if (E.isLeft(r)) throw new Error(r.left.join('\n'));
    objective = r.right;
  }
  if (config.distillWarmupSteps) {
    objective = {
      ...objective,
      distillWeight: cosineWarmup({ to: 1, warmupSteps: config.distillWarmupSteps }),
    };
  }
  return objective;
}

/**
 * Loads the frozen teacher named by `config.teacher` (a checkpoint, a run's checkpoints/ folder or
 * a run folder), checks it against the student, and builds the objective and the hint pairing.
 * Throws, leaking nothing, when the teacher does not fit the student or the configured row.
 */
export async function createDistillation(o: CreateDistillationOptions): Promise<Distillation> {
  const { config, student } = o;
  const { model: teacher, checkpoint } = await loadFasterRcnn(resolveCheckpoint(config.teacher));
  tf.dispose(Object.values(checkpoint.extraWeights));
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
  // A config error found after loading the teacher must not leak its weights.
  try {
    if (teacher.config.numClasses !== student.config.numClasses) {
      throw new Error(
        `teacher ${config.teacher} has ${teacher.config.numClasses} classes, the student ${student.config.numClasses}`,
      );
    }
    // Same count but another order would distill each class into a different one.
    const taught = (checkpoint.metadata.extra as { classNames?: unknown } | null)?.classNames;
    if (o.classNames && Array.isArray(taught) && taught.join('\n') !== o.classNames.join('\n'))
      throw new Error(
        `teacher ${config.teacher} was trained on classes [${taught.join(', ')}], the student's dataset has [${o.classNames.join(', ')}]; the lists must match in order`,
      );
    const studentMin = o.transform.minSize;
    const teacherMin = config.teacherMinSize ?? studentMin;
    const scale = teacherMin / studentMin;
    const teacherTransform: TransformOptions | undefined =
      teacherMin !== studentMin
        ? {
            ...o.transform,
            minSize: teacherMin,
            maxSize: config.teacherMaxSize ?? Math.round(o.transform.maxSize * scale),
          }
        : undefined;
    const row = config.ablation ?? 'full';
    const custom = o.lossStack;
    const objective = objectiveOptions(config);
    const stack =
      custom ?? (row === 'full' ? paperObjective(objective) : ablationStack(row, objective));
    let pairing: HintPairing | undefined;
    const needsHint = custom
      ? config.hint !== undefined
      : row === 'full' || row === 'Hints' || row === 'Hints-A';
    if (needsHint) {
      const hint = config.hint;
      if (!hint)
        throw new Error(`distill.hint is required for the '${row}' objective (it has a hint term)`);
      const prepared = await prepareSample(o.sample, o.transform, false);
      if (E.isLeft(prepared)) throw new Error(prepared.left);
      const { height: sh, width: sw } = prepared.right.image;
      const th = Math.round(sh * scale);
      const tw = Math.round(sw * scale);
      const tLayer = teacher.backbone.layers.find((l) => l.name === hint.teacherLayer);
      const sLayer = student.backbone.layers.find((l) => l.name === hint.studentLayer);
      const tShape = featureShape(teacher, hint.teacherLayer, th, tw);
      const sShape = featureShape(student, hint.studentLayer, sh, sw);
      if (row === 'Hints' && !custom && tShape.join() !== sShape.join()) {
        // The no-adaptation row compares raw features: it is only defined when the layers agree.
        throw new Error(
          `the 'Hints' row (hint without adaptation) needs the student's ${hint.studentLayer} [${sShape}] ` +
            `and the teacher's ${hint.teacherLayer} [${tShape}] to have the same shape; ` +
            `use 'Hints-A' (with a 1×1 adaptation) or pick layers that match`,
        );
      }
      const r = createHintPairing({
        teacher: {
          name: hint.teacherLayer,
          shape: tShape,
          ...(tLayer ? { stride: tLayer.stride } : {}),
        },
        student: {
          name: hint.studentLayer,
          shape: sShape,
          ...(sLayer ? { stride: sLayer.stride } : {}),
        },
        adaptation: hint.adaptation ?? 'conv1x1',
        normalize: hint.normalize ?? 'none',
        seed: student.config.seed,
      });
      if (E.isLeft(r)) throw new Error(r.left);
      pairing = r.right;
    }
    let teacherTrunk: CompiledTrunk | undefined;
    if (
      config.compileTeacher === true ||
      (config.compileTeacher === 'auto' && tf.getBackend() === 'tensorflow')
    ) {
      const c = compileTrunk(teacher, config.hint ? [config.hint.teacherLayer] : []);
      if (E.isLeft(c)) {
        pairing?.dispose();
        throw new Error(`distill.compileTeacher: ${c.left}`);
      }
      teacherTrunk = c.right;
    }
    const owned = pairing;
    return {
      teacher,
      scale,
      teacherTransform,
      pairing,
      stack,
      teacherLayer: config.hint?.teacherLayer,
      studentLayer: config.hint?.studentLayer,
      plans: new Map(),
      ...(teacherTrunk ? { teacherTrunk } : {}),
      dispose() {
        teacherTrunk?.dispose();
        teacher.dispose();
        owned?.dispose();
      },
    };
  } catch (e) {
    teacher.dispose();
    throw e;
  }
}
