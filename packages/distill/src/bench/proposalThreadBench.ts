// `pnpm --filter @kd/distill bench` (part of it): a plain training step of the recipes (trunk
// compiled on tensorflow, as `kd train` runs it) with every proposal on the step's thread against
// half of each batch's on a `ProposalThread` (`model.proposalThread`). Two copies of each recipe's
// student from the same weights alternate step by step; the losses are compared at the end.
// Reports the median time per step and CPU time / wall time of the process (every thread).
// KD_BENCH_ROUNDS (default 15) timed steps of each; KD_BENCH_RECIPES picks recipes.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MomentumSgd, ProposalThread } from '@kd/faster-rcnn';
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
]);
const ROUNDS = benchRounds();

const info = await initBackend();
const dir = mkdtempSync(join(tmpdir(), 'kd-proposal-thread-bench-'));
const thread = await ProposalThread.start();
try {
  const data = await benchImages(8, dir);
  const rows: string[][] = [];
  let leaked = 0;
  for (const name of RECIPES) {
    process.stderr.write(`[proposal thread bench] ${name}\n`);
    const { sides } = await twinRecipeModels(name, data);
    const o = sides[0]!.config.optim;
    const native = info.name === 'tensorflow';
    const inputs = await Promise.all(
      sides.map((r) => recipeStepInputs(r, data, native ? r : undefined)),
    );
    // The same batch over and over at the recipe's rate would diverge; a step's cost does not
    // depend on the rate.
    const optimizers = sides.map(() => new MomentumSgd(o.lr / 100, o.momentum ?? 0.9));
    const losses: number[][] = [[], []];
    const step = (side: 0 | 1) => () => {
      const r = sides[side]!;
      const { batch, trunk } = inputs[side]!;
      const out = distillStep(r.student, batch, r.distillation, {
        optimizer: optimizers[side]!,
        rng: createRng(1),
        step: 0,
        weightDecay: o.weightDecay ?? 1e-4,
        clipGradNorm: o.clipGradNorm ?? 10,
        ...(trunk?.compiled ? { trainingTrunk: trunk.compiled.run } : {}),
        ...(side === 1 ? { proposals: thread.run } : {}),
      });
      losses[side]!.push(out.total);
    };
    step(0)();
    step(1)();
    const before = tf.memory().numTensors;
    const t = alternate(ROUNDS, step(0), step(1));
    leaked += tf.memory().numTensors - before;
    for (const opt of optimizers) opt.dispose();
    for (const i of inputs) i.dispose();
    for (const r of sides) r.dispose();
    rows.push([
      name,
      timedCell(t[0], 1),
      timedCell(t[1], 1),
      speedUp(t[0], t[1]),
      tf.util.arraysEqual(losses[0]!, losses[1]!) ? 'yes' : 'NO',
    ]);
  }
  process.stdout.write(
    `\nProposal thread: a training step (batch 8, 128 px${info.name === 'tensorflow' ? ', trunk compiled' : ''}) with every proposal on its thread against half of each batch's on a worker (model.proposalThread), median of ${ROUNDS} steps each, alternating, ms (CPU/wall) (${info.name}${info.tensorflowVersion ? `, TensorFlow ${info.tensorflowVersion}` : ''}, ${info.threads.count} intra-op thread(s): ${info.threads.source}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}); tensors leaked: ${leaked}${thread.failure ? `; the thread failed: ${thread.failure}` : ''}\n\n${markdownTable(
      [
        'recipe',
        'proposals on the step’s thread',
        'half on a ProposalThread',
        'speed-up',
        'same losses',
      ],
      rows,
    )}`,
  );
} finally {
  await thread.dispose();
  rmSync(dir, { recursive: true, force: true });
}
