// `pnpm --filter @kd/distill bench` (fourth part): whether two data-parallel replicas in
// `worker_threads` would speed up training on the native TensorFlow backend. A training step of
// batch 8 in one thread is timed against two threads that each run a step of batch 4 at the same
// time (each thread its own TensorFlow context and model; the gradient exchange a real replica
// set would add is not timed, so the two-thread column is a lower bound). Reports CPU time / wall
// time of the process over the same windows (`process.cpuUsage` counts every thread).
// TensorFlow reads its thread counts once per process: run it again with TF_NUM_INTRAOP_THREADS=1
// (what `pnpm bench` does) for single-threaded replicas. KD_BENCH_ROUNDS (default 7) timed steps.
import { cpus, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
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
import { requirePreset } from '../presets/requirePreset.js';
import { generatedBatch } from './generatedBatch.js';

const RECIPES = ['shapes-student', 'shapes-student-pretrained', 'shapes-teacher-pretrained'];
const ROUNDS = Number(process.env.KD_BENCH_ROUNDS ?? 7);
const SIZE = 128;

interface Timing {
  readonly medianMs: number;
  /** Process CPU ms / wall ms over the timed steps (every thread of the process). */
  readonly cpuWall: number;
}

/** Builds the recipe's detector, runs one warm-up step, then waits for `go` and times `ROUNDS` steps. */
async function timeSteps(
  recipe: string,
  batchSize: number,
  go: () => Promise<void>,
): Promise<Timing> {
  const detector = requirePreset(recipe).model.detector as Record<string, unknown>;
  const model = new FasterRcnn(fasterRcnnConfig({ ...detector, numClasses: 6 }));
  if (model.config.backbone.pretrained !== undefined) await loadPretrainedBackbone(model);
  const optimizer = new MomentumSgd(0.001, 0.9);
  const rng = createRng(1);
  const batch = generatedBatch(batchSize, SIZE);
  trainStep(model, batch, { optimizer, rng, clipGradNorm: 10 });
  await go();
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    trainStep(model, batch, { optimizer, rng, clipGradNorm: 10 });
    ms.push(performance.now() - t);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  batch.images.dispose();
  optimizer.dispose();
  model.dispose();
  return { medianMs: median(ms), cpuWall: (cpu.user + cpu.system) / 1000 / wall };
}

if (!isMainThread) {
  const { recipe } = workerData as { recipe: string };
  await initBackend({ backend: 'tensorflow' });
  const go = () =>
    new Promise<void>((resolve) => {
      parentPort!.once('message', () => resolve());
      parentPort!.postMessage({ ready: true });
    });
  parentPort!.postMessage({ timing: await timeSteps(recipe, 4, go) });
} else {
  const info = await initBackend();
  if (info.name !== 'tensorflow') {
    process.stdout.write(
      `\nNative replicas: skipped (the ${info.name} backend is active; this bench is about tfjs-node)\n`,
    );
  } else {
    const rows: string[][] = [];
    for (const recipe of RECIPES) {
      const one = await timeSteps(recipe, 8, async () => {});
      const workers = [0, 1].map(
        () => new Worker(new URL(import.meta.url), { workerData: { recipe } }),
      );
      const ready = workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('error', reject);
            w.once('message', () => resolve());
          }),
      );
      await Promise.all(ready);
      const done = workers.map(
        (w) =>
          new Promise<Timing>((resolve, reject) => {
            w.once('error', reject);
            w.on('message', (m: { timing?: Timing }) => m.timing && resolve(m.timing));
          }),
      );
      for (const w of workers) w.postMessage('go');
      const two = await Promise.all(done);
      await Promise.all(workers.map((w) => w.terminate()));
      rows.push([
        recipe,
        `${one.medianMs.toFixed(0)} (${one.cpuWall.toFixed(2)})`,
        `${two.map((t) => t.medianMs.toFixed(0)).join(' / ')} (${Math.max(...two.map((t) => t.cpuWall)).toFixed(2)})`,
        `${(one.medianMs / Math.max(...two.map((t) => t.medianMs))).toFixed(2)}×`,
      ]);
    }
    process.stdout.write(
      `\nNative replicas: a training step of batch 8 in one thread against two worker threads with batch 4 each at once (tensorflow, TensorFlow ${info.tensorflowVersion ?? '?'}, ${info.threads.count} intra-op thread(s): ${info.threads.source}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; ${SIZE} px, median of ${ROUNDS} steps after a warm-up; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' ',
        )}). Gradient exchange not included: the speed-up is an upper bound.\n\n${markdownTable(
        [
          'recipe',
          '1 × batch 8: ms (CPU/wall)',
          '2 × batch 4 at once: ms each (CPU/wall)',
          'speed-up',
        ],
        rows,
      )}\n`,
    );
  }
}
