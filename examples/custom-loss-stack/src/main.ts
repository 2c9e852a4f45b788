/**
 * Your own distillation objective, composed from @kd/losses: the detector's four losses with a μ
 * that hands weight from the hard labels to the teacher over training, the teacher's soft targets
 * on the RCN only (T = 2 with T² scaling, background column 1.5), the teacher bound with a margin,
 * an L1 hint warmed up from zero, and a term written here by hand (RPN objectness agreement).
 * It trains a student on the embedded shapes dataset from the shipped teacher, then prints the
 * stack, the last step's named losses and the student's mAP.
 *
 *   node dist/main.js [--steps 30] [--teacher models/shapes-teacher] [--out DIR]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { presetConfig, runTraining } from '@kd/cli';
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
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

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

async function main(): Promise<void> {
  await initBackend();
  const base = presetConfig('shapes-distill');
  if (base._tag === 'Left') throw new Error(base.left);
  const config = {
    ...base.right,
    name: 'custom-loss-stack',
    // A small sample of the embedded dataset, so that the run takes about a minute on a CPU.
    dataset: { format: 'shapes' as const, seed: 7, trainImages: 64, testImages: 32 },
    optim: { ...base.right.optim, steps, batchSize: 4 },
    distill: { ...base.right.distill!, teacher: args.teacher! },
  };
  process.stdout.write(`The objective (key  ×weight  term):\n${stack.describe()}\n\n`);
  const result = await runTraining({ config, runDir: args.out!, lossStack: stack });
  result.model.dispose();

  const lines = readFileSync(join(args.out!, 'metrics.jsonl'), 'utf8').trim().split('\n');
  const last = lines
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((l) => l.loss !== undefined)
    .at(-1)!;
  const named = stack.keys.map(
    (k) =>
      `  ${k.padEnd(10)} ${last[k] === undefined ? '- (weight 0 at this step)' : last[k].toFixed(4)}`,
  );
  process.stdout.write(
    `Step ${last.step}: total ${last.loss!.toFixed(4)}; weighted terms:\n${named.join('\n')}\n\n` +
      `Student after ${steps} steps: mAP@0.5 ${(100 * (result.scores?.mAP50 ?? 0)).toFixed(1)} on ${result.scores?.images} test images (run in ${args.out})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`custom-loss-stack: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
