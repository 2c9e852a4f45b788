// `pnpm --filter @kd/distill bench` (part of it): the training step of the recipes `kd demo` and
// the README run, with the student's trunk (backbone and RPN head) op by op against the same step
// with its forward and backward compiled into native TensorFlow graphs (`compileTrainingTrunk`,
// what `model.compileTrunk: 'auto'` runs on tensorflow). The two alternate step by step, each on its
// own copy of the model, so that load hits both alike. Reports the median time per step and CPU
// time / wall time of the process over the timed steps (`process.cpuUsage` counts every thread).
// A distillation recipe's teacher runs compiled inside the step (`teacherThreadBench` times the
// thread). KD_BENCH_ROUNDS (default 15) timed steps of each; KD_BENCH_RECIPES picks recipes.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MomentumSgd } from '@kd/faster-rcnn';
import { alternate, markdownTable, speedUp, timedCell } from '@kd/faster-rcnn/testing';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { distillStep } from '../distillStep.js';
import { benchImages } from './benchImages.js';
import { benchRecipes, benchRounds } from './benchSettings.js';
import { recipeModels } from './recipeModels.js';
import { recipeStepInputs } from './recipeStepInputs.js';

const RECIPES = benchRecipes([
  'shapes-student',
  'shapes-teacher',
  'shapes-student-pretrained',
  'shapes-teacher-pretrained',
  'shapes-distill-pretrained',
]);
const ROUNDS = benchRounds();

const info = await initBackend();
if (info.name !== 'tensorflow') {
  process.stdout.write(
    `\nCompiled training trunk: skipped (the ${info.name} backend is active; compiled graphs need tfjs-node)\n`,
  );
} else {
  const dir = mkdtempSync(join(tmpdir(), 'kd-compiled-trunk-bench-'));
  try {
    const data = await benchImages(8, dir);
    const rows: string[][] = [];
    let leaked = 0;
    for (const name of RECIPES) {
      process.stderr.write(`[compiled trunk bench] ${name}\n`);
      const sides = await Promise.all(
        [0, 1].map(() =>
          recipeModels(name, data.dataset.classNames, data.dataset.train[0]!, {
            compileTeacher: true,
          }),
        ),
      );
      const [eager, compiled] = sides as [
        Awaited<ReturnType<typeof recipeModels>>,
        Awaited<ReturnType<typeof recipeModels>>,
      ];
      const o = eager.config.optim;
      const inputs = await recipeStepInputs(eager, data, compiled);
      const { batch, teacherImages, trunk } = inputs;
      // The same batch over and over at the recipe's rate would diverge; a step's cost does not
      // depend on the rate.
      const optimizers = [0, 1].map(() => new MomentumSgd(o.lr / 100, o.momentum ?? 0.9));
      const step = (side: 0 | 1) => () => {
        const r = side === 0 ? eager : compiled;
        distillStep(r.student, batch, r.distillation, {
          optimizer: optimizers[side]!,
          rng: createRng(1),
          step: 0,
          weightDecay: o.weightDecay ?? 1e-4,
          clipGradNorm: o.clipGradNorm ?? 10,
          ...(teacherImages ? { teacherImages } : {}),
          ...(side === 1 ? { trainingTrunk: trunk!.compiled!.run } : {}),
        });
      };
      step(0)();
      step(1)(); // the optimisers' slots
      const before = tf.memory().numTensors;
      const t = alternate(ROUNDS, step(0), step(1));
      leaked += tf.memory().numTensors - before;
      for (const opt of optimizers) opt.dispose();
      inputs.dispose();
      eager.dispose();
      compiled.dispose();
      rows.push([name, timedCell(t[0]), timedCell(t[1]), speedUp(t[0], t[1])]);
    }
    process.stdout.write(
      `\nCompiled training trunk: a training step (batch 8, 128 px; a distillation step with its teacher compiled in the step), trunk (backbone and RPN head) op by op against compiled (model.compileTrunk), median of ${ROUNDS} steps each, alternating (tensorflow, TensorFlow ${info.tensorflowVersion ?? '?'}, ${info.threads.count} intra-op thread(s): ${info.threads.source}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}); tensors leaked: ${leaked}\n\n${markdownTable(
        [
          'recipe',
          'trunk op by op: ms per step (CPU/wall)',
          'compiled: ms per step (CPU/wall)',
          'speed-up',
        ],
        rows,
      )}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
