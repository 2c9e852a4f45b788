// `pnpm --filter @kd/faster-rcnn bench`: training-step and inference time of a teacher and a student
// Faster R-CNN on the active backend, next to a PyTorch CPU model of the same architecture run in
// the same process tree, then a profile of where one training step's time goes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackendInfo, type BackendName, createRng, initBackend } from '@kd/tensor-ops';
import { runReference, torchAvailable } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { Bench } from 'tinybench';
import { rectangles } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import type { DetectionBatch } from '../model/types.js';
import { ProposalThread } from '../rpn/ProposalThread.js';
import {
  alternate,
  benchBackends,
  cpuPerWall as cpuTimePerWall,
  FASTER_RCNN_REFERENCE_SCRIPT,
  median,
  profileTrainStep,
  referenceSpec,
  referenceWaitPolicy,
  type StepProfile,
  markdownTable as table,
} from '../testing.js';
import { compileTrainingTrunk } from '../train/compileTrainingTrunk.js';
import { MomentumSgd } from '../train/MomentumSgd.js';
import { trainStep } from '../train/trainStep.js';
import { BENCH_IMAGE_SIZE, benchConfigs } from './benchModels.js';
import { type DenseProductTimes, denseGradientProducts } from './denseGradientProducts.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3);
const PROFILE_RUNS = Number(process.env.KD_BENCH_PROFILE_RUNS ?? 1);
const BATCH = 8;
const LEARNING_RATE = 1e-3;
const THREADS = 2;

interface ReferenceResult {
  readonly blas: string;
  readonly torch: string;
  readonly torchvision: string;
  readonly threads: number;
  readonly [model: string]: unknown;
}
interface ReferenceTimes {
  readonly parameters: number;
  readonly trainStep: number;
  readonly inference: number;
}

interface BackendRun {
  readonly info: BackendInfo;
  /** Median ms per task name (`teacher trainStep`, …). */
  readonly ms: Record<string, number>;
  /** Process CPU time / wall time over each training-step task's timed runs. */
  readonly cpuPerWall: Record<string, number>;
  readonly leaked: number;
}

function benchData() {
  const size = BENCH_IMAGE_SIZE;
  const { raw, targets } = rectangles(BATCH, size, 2017);
  const flat = new Float32Array(BATCH * size * size * 3);
  raw.forEach((d, i) => flat.set(d, i * d.length));
  const metas = raw.map(() => ({
    height: size,
    width: size,
    scale: 1,
    originalHeight: size,
    originalWidth: size,
  }));
  return { size, flat, metas, targets };
}

/** Times every model's training step and inference on `backend`; leaves the models for profiling. */
async function timeOn(backend: BackendName, data: ReturnType<typeof benchData>) {
  const info = await initBackend({ backend });
  const { size, flat, metas, targets } = data;
  const configs = benchConfigs();
  const models = Object.fromEntries(
    Object.entries(configs).map(([name, cfg]) => [name, new FasterRcnn(cfg)]),
  ) as Record<keyof typeof configs, FasterRcnn>;
  // Both models normalise with the same (default) mean and std, so one normalised batch serves both.
  const rawImages = tf.tensor4d(flat, [BATCH, size, size, 3]);
  const images = models.teacher.normalize(rawImages);
  rawImages.dispose();
  const batch: DetectionBatch = { images, metas, targets };
  const single = tf.slice(images, [0, 0, 0, 0], [1, size, size, 3]) as tf.Tensor4D;
  const singleBatch = { images: single, metas: metas.slice(0, 1) };

  // Inference through tinybench; each model's training variants alternate step by step (below), so
  // that the machine's drift hits the op-by-op, compiled and threaded steps alike.
  const bench = new Bench({ iterations: RUNS, warmupIterations: 1, time: 0, warmupTime: 0 });
  const optimizers: Record<string, tf.Optimizer> = {};
  // On tensorflow, also the step as `kd train` runs it there by default (model.compileTrunk):
  // backbone and RPN head forward and backward as compiled graphs.
  const trunks = Object.fromEntries(
    Object.entries(models).flatMap(([name, model]) => {
      if (info.name !== 'tensorflow') return [];
      const t = compileTrainingTrunk(model);
      if (E.isLeft(t)) return [];
      // Compiled before the timing (a second or so), and left out where it cannot be.
      if (E.isLeft(t.right.prepare(images, []))) {
        t.right.dispose();
        return [];
      }
      return [[name, t.right]];
    }),
  );
  const proposalThread = Object.keys(trunks).length > 0 ? await ProposalThread.start() : undefined;
  const training: Record<string, [task: string, step: () => void][]> = {};
  const taskNames: string[] = [];
  for (const [name, model] of Object.entries(models)) {
    const optimizer = new MomentumSgd(LEARNING_RATE, 0.9);
    optimizers[name] = optimizer;
    const rng = createRng(1);
    const steps: [string, () => void][] = [
      [`${name} trainStep`, () => trainStep(model, batch, { optimizer, rng })],
    ];
    const trunk = trunks[name];
    if (trunk) {
      steps.push([
        `${name} trainStepCompiled`,
        () => trainStep(model, batch, { optimizer, rng, trainingTrunk: trunk.run }),
      ]);
      // And with half of each batch's proposals on a worker thread (model.proposalThread).
      steps.push([
        `${name} trainStepThreaded`,
        () =>
          trainStep(model, batch, {
            optimizer,
            rng,
            trainingTrunk: trunk.run,
            proposals: proposalThread!.run,
          }),
      ]);
    }
    training[name] = steps;
    taskNames.push(...steps.map(([task]) => task), `${name} inference`);
    bench.add(`${name} inference`, async () => {
      await model.predict(singleBatch);
    });
  }
  // The optimisers' slots appear at their first step; count tensors after one step of each variant
  // (the warm-up).
  for (const steps of Object.values(training)) for (const [, step] of steps) step();
  const before = tf.memory().numTensors;
  const ms: Record<string, number> = {};
  const cpuPerWall: Record<string, number> = {};
  for (const steps of Object.values(training)) {
    const t = alternate(RUNS, ...steps.map(([, step]) => step));
    steps.forEach(([task], i) => {
      ms[task] = median(t[i]!.ms);
      cpuPerWall[task] = cpuTimePerWall(t[i]!);
    });
  }
  await bench.run();
  const leaked = tf.memory().numTensors - before;
  for (const t of Object.values(trunks)) t.dispose();
  await proposalThread?.dispose();
  for (const task of bench.tasks) {
    const result = task.result as { latency?: { p50?: number } };
    ms[task.name] = result.latency?.p50 ?? Number.NaN;
  }
  const run: BackendRun = { info, ms, cpuPerWall, leaked };
  return {
    run,
    models,
    images,
    single,
    batch,
    optimizers,
    taskNames,
  };
}

async function main(): Promise<void> {
  const data = benchData();
  const backends = benchBackends();
  const runs: BackendRun[] = [];
  // Each backend but the first (the preferred one, profiled below) is timed and released.
  for (const backend of backends.slice(1).reverse()) {
    const r = await timeOn(backend, data);
    runs.unshift(r.run);
    for (const m of Object.values(r.models)) m.dispose();
    tf.dispose([r.images, r.single]);
    for (const o of Object.values(r.optimizers)) o.dispose();
  }
  const first = await timeOn(backends[0]!, data);
  runs.unshift(first.run);
  const { models, images, single, batch, optimizers } = first;
  const info = first.run.info;
  const size = data.size;
  const { targets } = data;

  const profiles: Record<string, StepProfile> = {};
  for (const [name, model] of Object.entries(models))
    profiles[name] = profileTrainStep(model, batch, optimizers[name]!, createRng(2), PROFILE_RUNS);

  // The fc6 layer of each model: the products its training step computes.
  const dense: Record<string, { shape: string; t: DenseProductTimes }> = {};
  for (const [name, model] of Object.entries(models)) {
    const c = model.config.roiHead;
    const n = BATCH * c.batchSizePerImage;
    const din = c.outputSize * c.outputSize * model.backbone.outChannels;
    const dout = c.fcDims[0]!;
    dense[name] = {
      shape: `[${n}, ${din}]·[${din}, ${dout}]`,
      t: denseGradientProducts(n, din, dout),
    };
  }

  let reference: ReferenceResult | undefined;
  let refNote =
    'PyTorch reference skipped: /usr/bin/python3 cannot import torch and torchvision (apt-get install python3-torch python3-torchvision)';
  if (torchAvailable(['torch', 'torchvision'])) {
    const dir = mkdtempSync(join(tmpdir(), 'kd-frcnn-bench-'));
    try {
      const imagesFile = join(dir, 'images.f32');
      const normalised = images.dataSync() as Float32Array;
      writeFileSync(
        imagesFile,
        Buffer.from(normalised.buffer, normalised.byteOffset, normalised.byteLength),
      );
      const spec = {
        data: {
          batch: BATCH,
          size,
          imagesFile,
          targets: targets.map((t) => ({
            boxes: Array.from(t.boxes),
            labels: Array.from(t.labels),
          })),
        },
        models: Object.fromEntries(
          Object.entries(models).map(([n, m]) => [
            n,
            referenceSpec(m, { learningRate: LEARNING_RATE, imageSize: size }),
          ]),
        ),
      };
      const specFile = join(dir, 'spec.json');
      writeFileSync(specFile, JSON.stringify(spec));
      const waitPolicy = referenceWaitPolicy();
      reference = runReference<ReferenceResult>(FASTER_RCNN_REFERENCE_SCRIPT, [
        specFile,
        String(THREADS),
        String(RUNS),
      ]);
      refNote = `PyTorch ${reference.torch} / torchvision ${reference.torchvision} CPU, ${reference.threads} threads, ${waitPolicy}, BLAS ${reference.blas}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const describeBackend = (r: BackendRun) => {
    const i = r.info;
    const extra = i.wasm
      ? `SIMD ${i.wasm.simd ? 'on' : 'off'}`
      : i.tensorflowVersion
        ? `TensorFlow ${i.tensorflowVersion}`
        : '';
    return `${i.name} (${extra}${extra ? ', ' : ''}${i.threads.count} thread(s): ${i.threads.source})`;
  };
  console.log(
    `Faster R-CNN benchmark: ${size}×${size} images, training batch ${BATCH}, inference batch 1; median of ${RUNS} runs after 1 warm-up; each model's training steps (op by op, trunk compiled, proposal thread) alternate step by step`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )} (other processes distort every number); Node ${process.versions.node}; tfjs ${info.tfjsVersion}; backends ${runs.map(describeBackend).join('; ')}; ${refNote}`,
  );
  for (const [name, model] of Object.entries(models)) {
    const c = model.config;
    const ref = reference?.[name] as ReferenceTimes | undefined;
    const check =
      ref === undefined
        ? ''
        : ref.parameters === model.params.numParameters()
          ? ', same parameter count in PyTorch'
          : `, PyTorch model has ${ref.parameters} parameters (MISMATCH)`;
    console.log(
      `${name}: ${model.describe()}; RPN ${c.rpn.channels} ch, ${c.rpn.batchSizePerImage} anchors/image, proposals ${c.rpn.preNmsTopNTrain}→${c.rpn.postNmsTopNTrain} (test ${c.rpn.preNmsTopNTest}→${c.rpn.postNmsTopNTest}); RoIAlign ${c.roiHead.outputSize}×${c.roiHead.outputSize} s${c.roiHead.samplingRatio}, ${c.roiHead.batchSizePerImage} RoIs/image, fc ${c.roiHead.fcDims.join('-')}${check}`,
    );
  }
  const rows: string[][] = [];
  for (const taskName of first.taskNames) {
    const [model, what] = taskName.split(' ') as [string, string];
    const ref = reference?.[model] as ReferenceTimes | undefined;
    const refMs = what === 'inference' ? ref?.inference : ref?.trainStep;
    rows.push([
      model,
      what === 'trainStep'
        ? `training step (batch ${BATCH})`
        : what === 'trainStepCompiled'
          ? `training step (batch ${BATCH}), trunk compiled`
          : what === 'trainStepThreaded'
            ? `training step (batch ${BATCH}), trunk compiled, proposal thread`
            : 'inference (batch 1)',
      ...runs.flatMap((r) => {
        const ours = r.ms[taskName];
        if (ours === undefined) return ['—', '—'];
        return [ours.toFixed(0), refMs === undefined ? '—' : `${(ours / refMs).toFixed(2)}×`];
      }),
      refMs === undefined ? '—' : refMs.toFixed(0),
    ]);
  }
  console.log(
    table(
      [
        'model',
        'work',
        ...runs.flatMap((r) => [`tfjs-${r.info.name} ms`, '÷ PyTorch']),
        `PyTorch ms (${THREADS} threads)`,
      ],
      rows,
    ),
  );
  for (const r of runs) {
    console.log(
      `tfjs-${r.info.name}: CPU time / wall time over the timed training steps: ${Object.entries(
        r.cpuPerWall,
      )
        .map(
          ([task, v]) =>
            `${task
              .replace('trainStepCompiled', '(trunk compiled)')
              .replace('trainStepThreaded', '(trunk compiled, proposal thread)')
              .replace(' trainStep', '')} ${v.toFixed(2)}`,
        )
        .join(', ')}; tensors leaked across the benchmark: ${r.leaked}`,
    );
  }

  console.log(
    `\nWhere a training step's time goes on tfjs-${info.name} (median of ${PROFILE_RUNS} runs, batch ${BATCH}, each section timed alone with read-back)`,
  );
  const names = Object.keys(models);
  const sectionNames = profiles[names[0]!]!.sections.map(([s]) => s);
  const prow: string[][] = sectionNames.map((s) => [
    s,
    ...names.flatMap((n) => {
      const p = profiles[n]!;
      const ms = p.sections.find(([x]) => x === s)![1];
      return [ms.toFixed(0), `${((100 * ms) / p.totalMs).toFixed(0)}%`];
    }),
  ]);
  const sums = names.map((n) => profiles[n]!.sections.reduce((a, [, ms]) => a + ms, 0));
  prow.push([
    'unattributed (tape bookkeeping, gradient sums, overlap)',
    ...names.flatMap((n, i) => {
      const rest = profiles[n]!.totalMs - sums[i]!;
      return [rest.toFixed(0), `${((100 * rest) / profiles[n]!.totalMs).toFixed(0)}%`];
    }),
  ]);
  prow.push([
    'whole trainStep (measured)',
    ...names.flatMap((n) => [profiles[n]!.totalMs.toFixed(0), '100%']),
  ]);
  console.log(table(['section', ...names.flatMap((n) => [`${n} ms`, 'share'])], prow));

  console.log(
    `\nThe fc6 products of one training step on tfjs-${info.name}, as tfjs's MatMul gradient computes them (transposed operand) and with an explicit transpose (ms, one run after a warm-up)`,
  );
  console.log(
    table(
      [
        'model',
        'fc6',
        'x·W',
        'dy·Wᵀ transposeB',
        'dy·transpose(W)',
        'xᵀ·dy transposeA',
        'transpose(x)·dy',
      ],
      Object.entries(dense).map(([name, { shape, t }]) => [
        name,
        shape,
        t.forward.toFixed(0),
        t.dxTransposeB.toFixed(0),
        t.dxExplicit.toFixed(0),
        t.dwTransposeA.toFixed(0),
        t.dwExplicit.toFixed(0),
      ]),
    ),
  );

  for (const m of Object.values(models)) m.dispose();
  tf.dispose([images, single]);
  for (const o of Object.values(optimizers)) o.dispose();
}

await main();
