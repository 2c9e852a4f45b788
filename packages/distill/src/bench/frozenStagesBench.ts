// `pnpm --filter @kd/distill bench` (third part): the training step of the pretrained shapes
// detectors with `backbone.frozenStages` 0, 2 and 4, the variants taking turns in one process so
// that a load burst on a shared machine hits them alike. Batch 8 of generated 128-px images with
// two boxes each (the cost of a step does not depend on what the images show).
// KD_BENCH_FROZEN=0,3 picks the variants; KD_BENCH_ROUNDS (default 6) the timed rounds.
import { loadavg } from 'node:os';
import {
  FasterRcnn,
  fasterRcnnConfig,
  loadPretrainedBackbone,
  MomentumSgd,
  trainStep,
} from '@kd/faster-rcnn';
import { markdownTable, median } from '@kd/faster-rcnn/testing';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import {
  SHAPES_PRETRAINED_STUDENT_DETECTOR,
  SHAPES_PRETRAINED_TEACHER_DETECTOR,
} from '../presets/presets.js';
import { generatedBatch } from './generatedBatch.js';

const FROZEN = (process.env.KD_BENCH_FROZEN ?? '0,2,4').split(',').map(Number);
const ROUNDS = Number(process.env.KD_BENCH_ROUNDS ?? 6);
const WARMUP = 2;
const SIZE = 128;
const BATCH = 8;

const info = await initBackend();
const batch = generatedBatch(BATCH, SIZE);
const rows: string[][] = [];
for (const [name, detector] of [
  ['shapes-student-pretrained', SHAPES_PRETRAINED_STUDENT_DETECTOR],
  ['shapes-teacher-pretrained', SHAPES_PRETRAINED_TEACHER_DETECTOR],
] as const) {
  const variants = [];
  for (const frozenStages of FROZEN) {
    const model = new FasterRcnn(
      fasterRcnnConfig({
        ...detector,
        numClasses: 6,
        backbone: { ...detector.backbone, frozenStages },
      }),
    );
    await loadPretrainedBackbone(model);
    variants.push({
      frozenStages,
      model,
      optimizer: new MomentumSgd(0.001, 0.9),
      rng: createRng(1),
      ms: [] as number[],
    });
  }
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    for (const v of variants) {
      const t0 = performance.now();
      trainStep(v.model, batch, { optimizer: v.optimizer, rng: v.rng, clipGradNorm: 10 });
      if (round >= WARMUP) v.ms.push(performance.now() - t0);
    }
  }
  const base = median(variants[0]!.ms);
  for (const v of variants) {
    const ms = median(v.ms);
    rows.push([
      name,
      String(v.frozenStages),
      String(v.model.trainableVariables().length),
      ms.toFixed(0),
      `${((ms / base - 1) * 100).toFixed(0)} %`,
    ]);
    v.optimizer.dispose();
    v.model.dispose();
  }
}
batch.images.dispose();
process.stdout.write(
  `\nTraining step with backbone.frozenStages (${info.name} backend, batch ${BATCH} of ${SIZE} px, median of ${ROUNDS} steps after ${WARMUP} warm-up rounds, variants in turns; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})\n\n${markdownTable(
    ['detector', 'frozenStages', 'trainable tensors', 'ms / step', `vs ${FROZEN[0]}`],
    rows,
  )}\n`,
);
