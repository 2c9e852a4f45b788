// `pnpm --filter @kd/distill bench` (part of it): the optimiser's update — weight decay, global-norm
// clipping, SGD with momentum — op by op (`tf.train.momentum` through `applyGradients`) against
// `MomentumSgd`, which runs the same update as two native TensorFlow graphs. Two copies of each
// recipe's models start from the same weights; their training steps (trunk compiled, as
// `kd train` runs them on tensorflow) alternate, and the weights are compared bit for bit at the
// end. Also times the update alone on the student's gradients. Reports medians and CPU time /
// wall time of the process over the timed steps. KD_BENCH_ROUNDS (default 15) timed steps of
// each; KD_BENCH_RECIPES picks recipes.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyGradients, computeGradients, MomentumSgd } from '@kd/faster-rcnn';
import { alternate, markdownTable, speedUp, timedCell } from '@kd/faster-rcnn/testing';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { distillStep } from '../distillStep.js';
import { benchImages } from './benchImages.js';
import { benchRecipes, benchRounds } from './benchSettings.js';
import { recipeStepInputs } from './recipeStepInputs.js';
import { twinRecipeModels } from './twinRecipeModels.js';

const RECIPES = benchRecipes([
  'shapes-student',
  'shapes-student-pretrained',
  'shapes-teacher-pretrained',
  'shapes-distill-pretrained',
]);
const ROUNDS = benchRounds();

const info = await initBackend();
if (info.name !== 'tensorflow') {
  process.stdout.write(
    `\nOptimiser update: skipped (the ${info.name} backend is active; MomentumSgd's graphs need tfjs-node, elsewhere it runs op by op)\n`,
  );
} else {
  const dir = mkdtempSync(join(tmpdir(), 'kd-optimizer-bench-'));
  try {
    const data = await benchImages(8, dir);
    const rows: string[][] = [];
    let leaked = 0;
    for (const name of RECIPES) {
      process.stderr.write(`[optimizer bench] ${name}\n`);
      const { sides, vars } = await twinRecipeModels(name, data, { compileTeacher: true });
      const o = sides[0]!.config.optim;
      // Each side its own (equal) batch and compiled trunk.
      const inputs = await Promise.all(sides.map((r) => recipeStepInputs(r, data, r)));
      // The same batch over and over at the recipe's rate would diverge; a step's cost does not
      // depend on the rate.
      const lr = o.lr / 100;
      const optimizers = [
        tf.train.momentum(lr, o.momentum ?? 0.9),
        new MomentumSgd(lr, o.momentum ?? 0.9),
      ];
      const apply = { weightDecay: o.weightDecay ?? 1e-4, clipGradNorm: o.clipGradNorm ?? 10 };
      const step = (side: 0 | 1) => () => {
        const r = sides[side]!;
        const { batch, teacherImages, trunk } = inputs[side]!;
        distillStep(r.student, batch, r.distillation, {
          optimizer: optimizers[side]!,
          rng: createRng(1),
          step: 0,
          ...apply,
          ...(teacherImages ? { teacherImages } : {}),
          trainingTrunk: trunk!.compiled!.run,
        });
      };
      step(0)();
      step(1)(); // the optimisers' slots, the graphs
      const before = tf.memory().numTensors;
      const t = alternate(ROUNDS, step(0), step(1));
      const same = vars[0]!.every((v, i) =>
        tf.util.arraysEqual(v.dataSync(), vars[1]![i]!.dataSync()),
      );
      // The update alone, on one set of the student's gradients (the optimisers carry on).
      const g = computeGradients(sides[0]!.student, inputs[0]!.batch, {
        rng: createRng(2),
        trainingTrunk: inputs[0]!.trunk!.compiled!.run,
      });
      const studentVars = sides.map((r) => r.student.trainableVariables());
      const names = new Map(studentVars[0]!.map((v, i) => [v.name, studentVars[1]![i]!.name]));
      const grads1 = Object.fromEntries(
        Object.entries(g.grads).map(([n, x]) => [names.get(n) ?? n, x]),
      );
      const u = alternate(
        2 * ROUNDS,
        () => applyGradients(studentVars[0]!, g.grads, { optimizer: optimizers[0]!, ...apply }),
        () => applyGradients(studentVars[1]!, grads1, { optimizer: optimizers[1]!, ...apply }),
      );
      tf.dispose(Object.values(g.grads));
      leaked += tf.memory().numTensors - before;
      for (const opt of optimizers) opt.dispose();
      for (const i of inputs) i.dispose();
      for (const r of sides) r.dispose();
      rows.push([
        name,
        `${Object.keys(g.grads).length}`,
        timedCell(u[0], 1),
        timedCell(u[1], 1),
        timedCell(t[0], 1),
        timedCell(t[1], 1),
        speedUp(t[0], t[1]),
        same ? 'yes' : 'NO',
      ]);
    }
    process.stdout.write(
      `\nOptimiser update: tf.train.momentum op by op against MomentumSgd's native graphs (weight decay and clipping included), the update alone (median of ${2 * ROUNDS}) and a training step (batch 8, 128 px, trunk compiled; a distillation step with its teacher compiled in the step; median of ${ROUNDS}, alternating), ms (CPU/wall) (tensorflow, TensorFlow ${info.tensorflowVersion ?? '?'}, ${info.threads.count} intra-op thread(s): ${info.threads.source}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}); tensors leaked: ${leaked}\n\n${markdownTable(
        [
          'recipe',
          'student variables',
          'update, op by op',
          'update, MomentumSgd',
          'step, op by op',
          'step, MomentumSgd',
          'step speed-up',
          'same weights to the bit',
        ],
        rows,
      )}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
