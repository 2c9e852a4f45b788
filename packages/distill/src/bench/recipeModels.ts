import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Sample } from '@kd/data-voc-coco-kitti';
import {
  decodeFasterRcnnConfig,
  FasterRcnn,
  loadPretrainedBackbone,
  saveCheckpoint,
} from '@kd/faster-rcnn';
import { type ReferenceSpec, referenceSpec } from '@kd/faster-rcnn/testing';
import type { Schedule } from '@kd/losses';
import * as E from 'fp-ts/lib/Either.js';
import { createDistillation, type Distillation, objectiveOptions } from '../createDistillation.js';
import { presetConfig } from '../presets/presets.js';
import type { RunConfig } from '../runConfig.js';
import { studentTransform } from '../runTraining.js';

/** The recipes users run (`kd demo` and the README): what `recipeBench` times by default. */
export const BENCH_RECIPES = [
  'shapes-student',
  'shapes-teacher',
  'shapes-distill',
  'shapes-student-pretrained',
  'shapes-teacher-pretrained',
  'shapes-distill-pretrained',
] as const;

/**
 * A recipe's models as `runTraining` builds them (random heads; the ImageNet backbone loaded where
 * the preset names one; a teacher's trained weights are not needed, a step's work does not depend
 * on their values): the student,
 * and for a distillation recipe the frozen teacher of the recipe's teacher preset with the
 * objective and hint pairing `createDistillation` builds from the preset.
 */
export interface RecipeModels {
  readonly name: string;
  readonly config: RunConfig;
  readonly student: FasterRcnn;
  readonly distillation: Distillation | undefined;
  dispose(): void;
}

function presetOrThrow(name: string): RunConfig {
  const r = presetConfig(name);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
}

/** The preset's detector; with its ImageNet backbone loaded when it names one, as a run starts. */
async function detectorOf(config: RunConfig, numClasses: number, source: string) {
  const d = decodeFasterRcnnConfig({ ...config.model.detector, numClasses }, source);
  if (E.isLeft(d)) throw new Error(d.left);
  const model = new FasterRcnn(d.right);
  try {
    if (model.config.backbone.pretrained !== undefined) await loadPretrainedBackbone(model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * Builds recipe `name` for `classNames` (the shapes dataset's). A distillation recipe's teacher is
 * the preset its `distill.teacher` folder is named after (`models/shapes-teacher` →
 * `shapes-teacher`), saved to a temporary checkpoint and loaded back by `createDistillation`, as a
 * run loads its teacher. `sample` fixes the hint pairing's map sizes, as in a run.
 */
export async function recipeModels(
  name: string,
  classNames: readonly string[],
  sample: Sample,
  options: { readonly compileTeacher?: boolean } = {},
): Promise<RecipeModels> {
  const preset = presetOrThrow(name);
  const config =
    preset.distill && options.compileTeacher !== undefined
      ? { ...preset, distill: { ...preset.distill, compileTeacher: options.compileTeacher } }
      : preset;
  const student = await detectorOf(config, classNames.length, `preset ${name}`);
  if (!config.distill) {
    return { name, config, student, distillation: undefined, dispose: () => student.dispose() };
  }
  const teacherPreset = basename(config.distill.teacher);
  let teacher: FasterRcnn;
  try {
    teacher = await detectorOf(
      presetOrThrow(teacherPreset),
      classNames.length,
      `preset ${teacherPreset}`,
    );
  } catch (e) {
    student.dispose();
    throw e;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kd-recipe-bench-'));
  try {
    const checkpoint = join(dir, teacherPreset);
    await saveCheckpoint(teacher, checkpoint, {
      step: 0,
      rngState: 0,
      extra: { classNames },
    });
    const distillation = await createDistillation({
      config: { ...config.distill, teacher: checkpoint },
      student,
      transform: studentTransform(config),
      sample,
      classNames,
    });
    return {
      name,
      config,
      student,
      distillation,
      dispose: () => {
        student.dispose();
        distillation.dispose();
      },
    };
  } catch (e) {
    student.dispose();
    throw e;
  } finally {
    teacher.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const constantOf = (v: number | Schedule | undefined, fallback: number, what: string): number => {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  throw new Error(`bench: the PyTorch reference has a constant ${what}, not ${v.describe}`);
};

/**
 * The PyTorch reference's spec of a recipe (see `faster_rcnn_reference.py`): the student's, with
 * the preset's learning rate, weight decay and gradient clipping, and for a distillation recipe the
 * teacher's spec, the hint layers, the adaptation layer read off its weights, the resampling and
 * normalisation of the pairing, and the objective's constants.
 */
export function recipeReferenceSpec(r: RecipeModels, imageSize: number): ReferenceSpec {
  const o = r.config.optim;
  const options = {
    learningRate: o.lr,
    imageSize,
    weightDecay: o.weightDecay ?? 1e-4,
    ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
  };
  const spec = referenceSpec(r.student, options);
  const d = r.distillation;
  if (!d) return spec;
  const distill = r.config.distill!;
  if (distill.ablation !== undefined && distill.ablation !== 'full')
    throw new Error(
      `bench: the PyTorch reference has the full objective only, not ${distill.ablation}`,
    );
  const pairing = d.pairing;
  if (!pairing || !d.studentLayer || !d.teacherLayer)
    throw new Error(`bench: recipe ${r.name} has no hint; the PyTorch reference expects one`);
  // As a run prepares the teacher's batch: the student's images resized by the pairing's scale.
  const teacherImageSize = d.teacherTransform ? Math.round(imageSize * d.scale) : imageSize;
  const [kernel, bias] = pairing.layer.variables();
  const [k, , cin, cout] = kernel!.shape as [number, number, number, number];
  const obj = objectiveOptions(distill);
  for (const k of [
    'distillWeight',
    'hintDistance',
    'hintReduction',
    'boundedNormalization',
    'rpnSmoothL1',
    'rcnSmoothL1',
  ] as const)
    if (obj[k] !== undefined)
      throw new Error(
        `bench: the PyTorch reference has the default ${k}; recipe ${r.name} sets it`,
      );
  return {
    ...spec,
    distill: {
      teacher: referenceSpec(d.teacher, { ...options, imageSize: teacherImageSize }),
      teacherImageSize,
      hint: {
        studentLayer: d.studentLayer,
        teacherLayer: d.teacherLayer,
        adaptation: { kernel: k, cin, cout, bias: bias !== undefined },
        resample: pairing.resolution?.mode ?? 'identity',
        normalize: pairing.spec.normalize ?? 'none',
      },
      objective: {
        mu: constantOf(obj.mu, 0.5, 'mu'),
        lambda: obj.lambda ?? 1,
        gamma: obj.gamma ?? 0.5,
        nu: obj.nu ?? 0.5,
        margin: obj.margin ?? 0,
        temperature: obj.temperature ?? 1,
        scaleByTemperatureSquared: obj.scaleByTemperatureSquared ?? false,
        backgroundWeight: obj.backgroundWeight ?? 1.5,
      },
    },
  };
}
