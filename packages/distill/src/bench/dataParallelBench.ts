// `pnpm --filter @kd/distill bench` (last part): the `shapes-student` recipe's training step (its
// batch of 8, 128 px) on wasm with 1 replica (the plain step) and with 2 (`DataParallel`: this
// thread and one worker thread, 4 + 4 images, gradients averaged). The two alternate, each on its
// own model and optimiser, after a warm-up step each; median of KD_BENCH_RUNS (default 3) runs of
// KD_BENCH_STEPS steps (default 5), per step. The learning rate is 0: a step's cost depends on the
// weights (how many proposals survive, how many rows are sampled) and two models trained apart
// drift apart, so both sides time the same initial weights throughout (the update still runs).
// CPU time is the process's (`process.cpuUsage()` counts every thread, the worker's included), so
// CPU / wall says how many cores a step kept busy. The load average is printed: on a shared
// machine the wall times say little unless a second core was free.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MomentumSgd } from '@kd/faster-rcnn';
import { markdownTable, median } from '@kd/faster-rcnn/testing';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { DataParallel } from '../DataParallel.js';
import { distillStep } from '../distillStep.js';
import { createStudent } from '../internal/createStudent.js';
import { presetConfig } from '../presets/presets.js';
import { makeBatch } from '../toDetectionBatch.js';
import { benchImages } from './benchImages.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3);
/** Steps per timed run (a shapes-student step is short: one step's timing is noisy). */
const STEPS = Number(process.env.KD_BENCH_STEPS ?? 5);

/** Wall and process CPU milliseconds per step over `STEPS` awaited steps. */
async function timed(f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) await f();
  const wall = (performance.now() - t0) / STEPS;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / STEPS };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const decoded = presetConfig('shapes-student');
  if (E.isLeft(decoded)) throw new Error(decoded.left);
  const config = decoded.right;
  const batchSize = config.optim.batchSize;
  const dir = mkdtempSync(join(tmpdir(), 'kd-dp-bench-'));
  const { dataset, split, transform } = await benchImages(batchSize, dir);
  const images = { student: split.images, teacher: undefined };
  const numClasses = dataset.classNames.length;
  const apply = { weightDecay: 1e-4, clipGradNorm: config.optim.clipGradNorm ?? 10 };

  const single = createStudent(config, numClasses, 'bench');
  const singleOpt = new MomentumSgd(0, 0.9);
  const singleRng = createRng(1);
  const one = async () => {
    const batch = makeBatch(images.student);
    distillStep(single, batch, undefined, {
      ...apply,
      optimizer: singleOpt,
      rng: singleRng,
      step: 0,
    });
    batch.images.dispose();
  };
  const replicated = createStudent(config, numClasses, 'bench');
  const replicatedOpt = new MomentumSgd(0, 0.9);
  const replicatedRng = createRng(1);
  const dp = await DataParallel.start({
    replicas: 2,
    config,
    classNames: dataset.classNames,
    sample: dataset.train[0]!,
    transform,
    student: replicated,
    distillation: undefined,
  });
  const two = () =>
    dp.step(images, { ...apply, optimizer: replicatedOpt, rng: replicatedRng, step: 0 });

  const load0 = load();
  console.log(
    `data-parallel training on wasm: shapes-student step (batch ${batchSize}, ${transform.minSize} px), 1 replica vs 2 (this thread + 1 worker thread, ${batchSize / 2} + ${batchSize / 2} images); median of ${RUNS} alternated runs of ${STEPS} steps after a warm-up`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average at start ${load0}`,
  );
  try {
    await one(); // warm-up: XNNPACK operators, heap growth
    await two();
    const times: Record<'one' | 'two', { wall: number; cpu: number }[]> = { one: [], two: [] };
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? (['one', 'two'] as const) : (['two', 'one'] as const);
      for (const k of order) times[k].push(await timed(k === 'one' ? one : two));
    }
    const wallOne = median(times.one.map((t) => t.wall));
    const rows = (['one', 'two'] as const).map((k) => {
      const wall = median(times[k].map((t) => t.wall));
      const cpu = median(times[k].map((t) => t.cpu));
      return [
        k === 'one' ? '1 (plain step)' : '2 (DataParallel)',
        wall.toFixed(0),
        cpu.toFixed(0),
        (cpu / wall).toFixed(2),
        `${(wallOne / wall).toFixed(2)}×`,
        times[k].map((t) => t.wall.toFixed(0)).join(', '),
      ];
    });
    console.log(
      markdownTable(
        [
          'replicas',
          'step wall ms',
          'step CPU ms',
          'CPU / wall',
          'speed-up',
          'each run (wall ms per step)',
        ],
        rows,
      ),
    );
    console.log(`load average at end ${load()}`);
  } finally {
    await dp.close();
    for (const m of [single, replicated]) m.dispose();
    singleOpt.dispose();
    replicatedOpt.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
