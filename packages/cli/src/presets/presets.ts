import * as E from 'fp-ts/lib/Either.js';
import { decodeRunConfig, type RunConfig } from '../pipeline/runConfig.js';

/**
 * The CPU-sized detectors of the embedded demo: a VGG16-style teacher at width ×0.125 and a student
 * at half its width (a quarter of its backbone FLOPs).
 */
export const SHAPES_TEACHER_DETECTOR = {
  backbone: { name: 'vgg16', widthMultiplier: 0.125, outputStride: 8 },
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [1.5, 3, 6] },
  rpn: {
    channels: 64,
    preNmsTopNTrain: 600,
    postNmsTopNTrain: 300,
    preNmsTopNTest: 300,
    postNmsTopNTest: 100,
    batchSizePerImage: 128,
  },
  roiHead: { fcDims: [256, 256], batchSizePerImage: 64, outputSize: 7 },
  seed: 1,
};

export const SHAPES_STUDENT_DETECTOR = {
  backbone: { name: 'vgg16', widthMultiplier: 0.0625, outputStride: 8 },
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [1.5, 3, 6] },
  rpn: {
    channels: 32,
    preNmsTopNTrain: 600,
    postNmsTopNTrain: 300,
    preNmsTopNTest: 300,
    postNmsTopNTest: 100,
    batchSizePerImage: 128,
  },
  roiHead: { fcDims: [64], batchSizePerImage: 64, outputSize: 7 },
  seed: 2,
};

const shapes = { format: 'shapes' } as const;

const PRESETS: Record<string, unknown> = {
  'shapes-teacher': {
    name: 'shapes-teacher',
    dataset: shapes,
    model: { detector: SHAPES_TEACHER_DETECTOR },
    optim: {
      steps: 1500,
      batchSize: 8,
      lr: 0.02,
      clipGradNorm: 10,
      seed: 1,
      checkpointEvery: 100,
      evalEvery: 500,
    },
  },
  'shapes-student': {
    name: 'shapes-student',
    dataset: shapes,
    model: { detector: SHAPES_STUDENT_DETECTOR },
    optim: { steps: 600, batchSize: 8, lr: 0.02, clipGradNorm: 10, seed: 1 },
  },
  'shapes-distill': {
    name: 'shapes-distill',
    dataset: shapes,
    model: { detector: SHAPES_STUDENT_DETECTOR },
    optim: { steps: 600, batchSize: 8, lr: 0.02, clipGradNorm: 10, seed: 1 },
    distill: {
      teacher: 'models/shapes-teacher',
      hint: { teacherLayer: 'conv5_3', studentLayer: 'conv5_3' },
    },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);

/** A built-in run config by name, decoded like a user's file. */
export function presetConfig(name: string): E.Either<string, RunConfig> {
  const p = PRESETS[name];
  if (p === undefined)
    return E.left(`unknown preset '${name}' (presets: ${PRESET_NAMES.join(', ')})`);
  return decodeRunConfig(p, `preset ${name}`);
}
