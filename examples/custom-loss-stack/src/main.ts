/**
 * Your own distillation objective, composed from @kd/losses: the detector's four losses with a μ
 * that hands weight from the hard labels to the teacher over training, the teacher's soft targets
 * on the RCN only (T = 2 with T² scaling, background column 1.5), the teacher bound with a margin,
 * an L1 hint warmed up from zero, and a term written here by hand (RPN objectness agreement).
 *
 * The pipeline is built from the packages, without the CLI: the embedded shapes dataset and its
 * batches from @kd/data-voc-coco-kitti, the frozen teacher and the student from @kd/faster-rcnn,
 * the hint pairing from @kd/adaptation, one distillation step at a time from @kd/distill, and the
 * COCO evaluation from @kd/eval. It prints the stack, the last step's named losses and the
 * student's mAP.
 *
 *   node dist/main.js [--steps 30] [--teacher models/shapes-teacher] [--out DIR]
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHintPairing } from '@kd/adaptation';
import { ensureShapesDataset, loadBatches, type Sample } from '@kd/data-voc-coco-kitti';
import {
  DETECTION_SIZE_DIVISIBLE,
  type Distillation,
  distillStep,
  requirePreset,
  studentTransform,
  toDetectionBatch,
} from '@kd/distill';
import { type CocoDetection, type CocoGtAnnotation, cocoEvaluator, cocoParams } from '@kd/eval';
import { decodeFasterRcnnConfig, FasterRcnn, loadFasterRcnn, MomentumSgd } from '@kd/faster-rcnn';
import {
  boundedRegressionTerm,
  classificationTerm,
  complement,
  cosineWarmup,
  type DistillContext,
  hintTerm,
  linear,
  lossStack,
  lossTerm,
  regressionTerm,
  softTargetTerm,
  stopGradient,
} from '@kd/losses';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';

// `pnpm start -- --flag` passes the `--` through: drop it.
const argv = process.argv.slice(2);
const { values: args } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    steps: { type: 'string', default: '30' },
    teacher: {
      type: 'string',
      default: fileURLToPath(new URL('../../../models/shapes-teacher', import.meta.url)),
    },
    out: { type: 'string', default: join('runs', 'example-custom-loss-stack') },
  },
});
const steps = Number(args.steps);

/**
 * A hand-written term: the squared difference between the student's and the teacher's RPN
 * objectness probabilities on the same sampled anchors, averaged over the sampled ones. The
 * teacher's side goes through `stopGradient`: it is a target, never trained.
 */
const rpnAgreement = lossTerm<DistillContext>(
  'rpn_agree',
  ({ student, teacher, targets }) =>
    tf.tidy(() => {
      // Our RPN has two-column softmax logits [M, 2] (column 1 = object).
      const object = (logits: tf.Tensor) =>
        tf.squeeze(tf.slice(tf.softmax(logits as tf.Tensor2D), [0, 1], [-1, 1]), [1]);
      const sampled = tf.cast(tf.greaterEqual(targets.rpnLabels, 0), 'float32');
      const diff = tf.sub(object(student.rpnLogits), stopGradient(object(teacher.rpnLogits)));
      return tf.div(tf.sum(tf.mul(tf.square(diff), sampled)), tf.maximum(tf.sum(sampled), 1));
    }) as tf.Scalar,
  'RPN objectness agreement (squared, sampled anchors)',
);

// μ from 1 to 0.5 over the first half: hard labels first, the teacher's soft targets later.
const mu = linear({ from: 1, to: 0.5, endStep: Math.max(1, Math.floor(steps / 2)) });
const stack = lossStack<DistillContext>([
  { term: classificationTerm('rpn'), weight: mu },
  { term: regressionTerm('rpn'), weight: 1 },
  { term: classificationTerm('rcn'), weight: mu },
  { term: regressionTerm('rcn'), weight: 1 },
  {
    term: softTargetTerm('rcn', { temperature: 2, scaleByTemperatureSquared: true }),
    weight: complement(mu),
  },
  { term: boundedRegressionTerm('rcn', { margin: 0.1 }), weight: 0.5 },
  {
    term: hintTerm({ distance: 'l1' }),
    weight: cosineWarmup({ to: 0.5, warmupSteps: Math.max(1, Math.floor(steps / 4)) }),
  },
  { term: rpnAgreement, weight: 0.5 },
]);

/**
 * The `shapes-distill` preset supplies the student (the teacher's VGG16 at half its width, ×0.0625),
 * the hint pairing (conv5_3 → conv5_3), the input size (the 128 px shapes images at their own size)
 * and gradient clipping; this example replaces its objective and trains with batches of 4 at
 * learning rate 0.01 instead of 8 at 0.02.
 */
const PRESET = requirePreset('shapes-distill');
const TRANSFORM = { ...studentTransform(PRESET), sizeDivisible: DETECTION_SIZE_DIVISIBLE };
const BATCH = 4;
const LR = 0.01;
const HINT = PRESET.distill!.hint!;

/** The guided (student) or hint (teacher) layer's feature shape `[h, w, C]` at the input size. */
function hintShape(
  model: FasterRcnn,
  name: string,
  size: number,
): { shape: number[]; stride: number } {
  const layer = model.backbone.layers.find((l) => l.name === name)!;
  const side = Math.ceil(size / layer.stride);
  return { shape: [side, side, layer.channels], stride: layer.stride };
}

/** COCO mAP@0.5 of `model` on `samples` (@kd/eval's evaluator, identical to pycocotools). */
async function mAP50(
  model: FasterRcnn,
  samples: readonly Sample[],
  classes: number,
): Promise<number> {
  let state = cocoEvaluator.empty(cocoParams(Array.from({ length: classes }, (_, i) => i + 1)));
  let annId = 1;
  for await (const b of loadBatches(samples, { ...TRANSFORM, batchSize: 8 })) {
    const batch = toDetectionBatch(b);
    const dets = await model.predict(batch);
    batch.images.dispose();
    dets.forEach((d, i) => {
      const imageId = b.index * 8 + i + 1;
      const gt: CocoGtAnnotation[] = samples[imageId - 1]!.objects.map((o) => {
        const [x1, y1, x2, y2] = o.box;
        const area = (x2 - x1) * (y2 - y1);
        return {
          id: annId++,
          imageId,
          categoryId: o.classIndex + 1,
          bbox: [x1, y1, x2 - x1, y2 - y1],
          area,
          iscrowd: o.crowd,
        };
      });
      const found: CocoDetection[] = Array.from(d.scores, (score, j) => {
        const [x1, y1, x2, y2] = d.boxes.subarray(4 * j, 4 * j + 4);
        return { imageId, categoryId: d.labels[j]!, bbox: [x1!, y1!, x2! - x1!, y2! - y1!], score };
      });
      state = cocoEvaluator.update(state, { imageId, annotations: gt }, found);
    });
  }
  return cocoEvaluator.compute(state).summary.AP50;
}

async function main(): Promise<void> {
  await initBackend();
  // Data: a 64 / 32-image sample of the embedded shapes dataset, generated once (no download).
  const data = await ensureShapesDataset({
    root: join('.kd-cache', 'example-custom-loss-stack'),
    seed: 7,
    trainImages: 64,
    testImages: 32,
    formats: ['voc'],
  });
  const classes = data.classNames.length;

  // The frozen teacher, and a student built from its config; both see 128 px images.
  const loaded = await loadFasterRcnn(args.teacher!);
  tf.dispose([
    ...Object.values(loaded.checkpoint.extraWeights),
    ...loaded.checkpoint.optimizerWeights.map((w) => w.tensor),
  ]);
  const teacher = loaded.model;
  const studentConfig = decodeFasterRcnnConfig(
    { ...PRESET.model.detector, numClasses: classes },
    'shapes-distill model.detector',
  );
  if (E.isLeft(studentConfig)) throw new Error(studentConfig.left);
  const student = new FasterRcnn(studentConfig.right);

  // The hint: the student's conv5_3 (guided layer) through a 1×1 adaptation onto the teacher's conv5_3.
  const pairing = createHintPairing({
    teacher: {
      name: HINT.teacherLayer,
      ...hintShape(teacher, HINT.teacherLayer, TRANSFORM.minSize),
    },
    student: {
      name: HINT.studentLayer,
      ...hintShape(student, HINT.studentLayer, TRANSFORM.minSize),
    },
    adaptation: HINT.adaptation ?? 'conv1x1',
    seed: student.config.seed,
  });
  if (E.isLeft(pairing)) throw new Error(pairing.left);
  const distillation: Distillation = {
    teacher,
    scale: 1,
    teacherTransform: undefined,
    pairing: pairing.right,
    stack,
    teacherLayer: HINT.teacherLayer,
    studentLayer: HINT.studentLayer,
    plans: new Map(),
    dispose: () => {
      teacher.dispose();
      pairing.right.dispose();
    },
  };
  process.stdout.write(`The objective (key  ×weight  term):\n${stack.describe()}\n\n`);

  // Training: shuffled, flipped epochs of batches, one distillation step each.
  mkdirSync(args.out!, { recursive: true });
  const metrics = join(args.out!, 'metrics.jsonl');
  if (existsSync(metrics)) throw new Error(`${metrics} exists: choose another --out`);
  const optimizer = new MomentumSgd(LR, PRESET.optim.momentum ?? 0.9);
  const rng = createRng(1);
  let step = 0;
  for (let epoch = 0; step < steps; epoch++) {
    const epochBatches = loadBatches(data.splits.train, {
      ...TRANSFORM,
      batchSize: BATCH,
      shuffle: true,
      seed: 1,
      epoch,
      flipProbability: 0.5,
      dropLast: true,
    });
    for await (const b of epochBatches) {
      const batch = toDetectionBatch(b);
      const r = distillStep(student, batch, distillation, {
        optimizer,
        rng,
        step,
        ...(PRESET.optim.clipGradNorm ? { clipGradNorm: PRESET.optim.clipGradNorm } : {}),
      });
      batch.images.dispose();
      step++;
      appendFileSync(metrics, `${JSON.stringify({ step, loss: r.total, ...r.losses })}\n`);
      if (step >= steps) break;
    }
  }
  optimizer.dispose();
  distillation.dispose();

  const last = readFileSync(metrics, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>)
    .at(-1)!;
  const named = stack.keys.map(
    (k) =>
      `  ${k.padEnd(10)} ${last[k] === undefined ? '- (weight 0 at this step)' : last[k].toFixed(4)}`,
  );
  const map = await mAP50(student, data.splits.test, classes);
  student.dispose();
  process.stdout.write(
    `Step ${last.step}: total ${last.loss!.toFixed(4)}; weighted terms:\n${named.join('\n')}\n\n` +
      `Student after ${steps} steps: mAP@0.5 ${(100 * map).toFixed(1)} on ${data.splits.test.length} test images (run in ${args.out})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`custom-loss-stack: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
