// `pnpm --filter @kd/distill bench` (part of it): the distillation step of
// `shapes-distill-pretrained` (what `kd demo` trains) with its compiled teacher trunk inside the
// step, against the same step with the trunk on a `TeacherThread` one step ahead (the step waits
// for its trunk, then trains; the next step's trunk computes meanwhile). The two alternate step by
// step so that load hits both alike. Reports the median time per step and CPU time / wall time of
// the process over the timed steps (`process.cpuUsage` counts every thread). TensorFlow reads its
// thread count once per process: `pnpm bench` runs it with the default (one intra-op thread per
// core) and with TF_NUM_INTRAOP_THREADS=1, what `kd` sets on 2 cores when a run has a teacher
// thread (`trainingIntraOpThreads`). KD_BENCH_ROUNDS (default 15) timed steps of each.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MomentumSgd } from '@kd/faster-rcnn';
import { markdownTable, median } from '@kd/faster-rcnn/testing';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { distillStep } from '../distillStep.js';
import { TeacherThread, trunkTensors } from '../TeacherThread.js';
import { makeBatch, prepareSplit } from '../toDetectionBatch.js';
import { benchImages } from './benchImages.js';
import { recipeModels } from './recipeModels.js';

const RECIPE = 'shapes-distill-pretrained';
const ROUNDS = Number(process.env.KD_BENCH_ROUNDS ?? 15);

interface Timed {
  readonly ms: number[];
  cpuUs: number;
  wallMs: number;
}

const info = await initBackend();
if (info.name !== 'tensorflow') {
  process.stdout.write(
    `\nTeacher thread: skipped (the ${info.name} backend is active; the compiled teacher trunk needs tfjs-node)\n`,
  );
} else {
  const dir = mkdtempSync(join(tmpdir(), 'kd-teacher-thread-bench-'));
  try {
    const data = await benchImages(8, dir);
    const r = await recipeModels(RECIPE, data.dataset.classNames, data.dataset.train[0]!, {
      compileTeacher: true,
    });
    const d = r.distillation!;
    const o = r.config.optim;
    const batch = makeBatch(data.split.images.slice(0, o.batchSize));
    const teacherPrepared = (
      await prepareSplit(data.dataset.train.slice(0, o.batchSize), d.teacherTransform!)
    ).images;
    const teacherImages = makeBatch(teacherPrepared).images;
    const collect = d.teacherLayer ? [d.teacherLayer] : [];
    // The same batch over and over at the recipe's rate would diverge; a step's cost does not
    // depend on the rate.
    const optimizer = new MomentumSgd(o.lr / 100, o.momentum ?? 0.9);
    const rng = createRng(1);
    const apply = {
      optimizer,
      rng,
      step: 0,
      weightDecay: o.weightDecay ?? 1e-4,
      clipGradNorm: o.clipGradNorm ?? 10,
    };
    const thread = await TeacherThread.start(d.teacher, collect);
    const inside: Timed = { ms: [], cpuUs: 0, wallMs: 0 };
    const ahead: Timed = { ms: [], cpuUs: 0, wallMs: 0 };
    const timed = async (into: Timed, f: () => Promise<void>) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await f();
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      into.ms.push(ms);
      into.wallMs += ms;
      into.cpuUs += c.user + c.system;
    };
    const stepInside = async () => {
      distillStep(r.student, batch, d, { ...apply, teacherImages });
    };
    // Steady state of a run: this step's trunk was started during the previous step.
    let next = thread.run(teacherPrepared);
    const stepAhead = async () => {
      const arrays = await next;
      next = thread.run(teacherPrepared);
      distillStep(r.student, batch, d, {
        ...apply,
        teacherTrunk: () => trunkTensors(arrays, collect),
      });
    };
    await stepInside(); // the optimiser's slots and the compiled graphs
    await stepAhead();
    const before = tf.memory().numTensors;
    for (let i = 0; i < ROUNDS; i++) {
      await next; // the thread idle while the step computes its trunk itself
      await timed(inside, stepInside);
      next = thread.run(teacherPrepared);
      await stepAhead(); // untimed: its trunk had nothing to overlap; the next one has
      await timed(ahead, stepAhead);
    }
    await next;
    const leaked = tf.memory().numTensors - before;
    await thread.close();
    tf.dispose([batch.images, teacherImages]);
    optimizer.dispose();
    r.dispose();
    const row = (what: string, t: Timed) => [
      what,
      median(t.ms).toFixed(0),
      (t.cpuUs / 1000 / t.wallMs).toFixed(2),
    ];
    const base = median(inside.ms);
    process.stdout.write(
      `\nTeacher thread: ${RECIPE}'s distillation step (batch ${o.batchSize}, student 128 px, teacher 256 px compiled), median of ${ROUNDS} steps each, alternating (tensorflow, TensorFlow ${info.tensorflowVersion ?? '?'}, ${info.threads.count} intra-op thread(s): ${info.threads.source}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}); tensors leaked: ${leaked}\n\n${markdownTable(
        ['teacher trunk', 'ms per step', 'CPU time / wall time'],
        [
          row('inside the step (compiled)', inside),
          row('on a TeacherThread, one step ahead', ahead),
        ],
      )}\nspeed-up: ${(base / median(ahead.ms)).toFixed(2)}×\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
