import type { RunConfig } from '../runConfig.js';

export interface ScaleDownOptions {
  /** The (small) dataset the scaled-down run trains and scores on; replaces the preset's. */
  readonly dataset: RunConfig['dataset'];
  /** The backbone's width multiplier (the paper presets' networks are full width, 1). */
  readonly widthMultiplier: number;
  /** Training steps; the step-decay milestone moves to 75 % of them. */
  readonly steps: number;
  /** Input shorter side in px (default 128); the longer side is capped at 1.5× it. */
  readonly minSize?: number;
}

/**
 * The same recipe for a CPU and a handful of images: a paper preset (or any run config) keeps its
 * detector family, its objective, hint pairing and teacher resolution ratio, and gets a narrower
 * backbone, a small RPN (32 channels, 600/100 proposals in training, 300/50 at test) and RoI head
 * (one 128-wide fc layer, 64 RoIs per image), 8–32× anchors, `minSize` px inputs, batches of 2 at
 * lr 0.01 with 2 warm-up steps, one checkpoint at the end and no evaluation during training. For
 * smoke runs of a whole pipeline, not for results.
 *
 * In a distillation config, `distill.teacherMinSize` / `teacherMaxSize` (the high-/low-resolution
 * setting) are scaled by the same factor as the student's input, so the teacher keeps its ×2.
 *
 * @param config  a decoded run config, e.g. `requirePreset('voc07-vgg16-to-alexnet')`.
 * @returns a new config; `config` is not changed.
 * @example
 *   const student = scaleDownRecipe(requirePreset('voc07-vgg16-to-alexnet'), {
 *     dataset: { format: 'voc', root: 'photos/voc', trainSplit: 'photos', testSplit: 'photos' },
 *     widthMultiplier: 0.25,
 *     steps: 30,
 *   });
 */
export function scaleDownRecipe(config: RunConfig, options: ScaleDownOptions): RunConfig {
  const { dataset, widthMultiplier, steps } = options;
  const minSize = options.minSize ?? 128;
  const d = config.model.detector as Record<string, Record<string, unknown>>;
  const factor = minSize / (config.model.minSize ?? minSize);
  const scaled = (px: number | undefined) =>
    px === undefined ? undefined : Math.max(1, Math.round(px * factor));
  const distill = config.distill && {
    ...config.distill,
    ...(config.distill.teacherMinSize
      ? { teacherMinSize: scaled(config.distill.teacherMinSize) }
      : {}),
    ...(config.distill.teacherMaxSize
      ? { teacherMaxSize: scaled(config.distill.teacherMaxSize) }
      : {}),
  };
  return {
    ...config,
    dataset,
    model: {
      detector: {
        ...d,
        backbone: { ...d.backbone, widthMultiplier },
        anchors: { baseSize: 16, ratios: [0.5, 1, 2], scales: [2, 4, 8] },
        rpn: {
          ...d.rpn,
          channels: 32,
          preNmsTopNTrain: 600,
          postNmsTopNTrain: 100,
          preNmsTopNTest: 300,
          postNmsTopNTest: 50,
        },
        roiHead: { ...d.roiHead, fcDims: [128], batchSizePerImage: 64 },
      },
      minSize,
      maxSize: Math.round(minSize * 1.5),
    },
    optim: {
      ...config.optim,
      steps,
      batchSize: 2,
      lr: 0.01,
      milestones: [Math.floor(steps * 0.75)],
      warmupSteps: 2,
      checkpointEvery: steps,
      evalEvery: steps + 1,
    },
    ...(distill ? { distill } : {}),
  };
}
