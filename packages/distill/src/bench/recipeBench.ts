// `pnpm --filter @kd/distill bench` (second part): the training step (batch as in the preset) and the
// inference of the recipes users run, on each available backend, next to a PyTorch CPU reference of
// the same architecture and work (`faster_rcnn_reference.py` of @kd/faster-rcnn), ratios printed in
// the same run (training steps as the presets run them: on tensorflow the student's trunk through
// compiled graphs, `model.compileTrunk: 'auto'`; on tensorflow, inference compiled into native TensorFlow graphs by
// `compileFasterRcnn` too, a row of its own against the same eager PyTorch reference); then, for each recipe whose step is over 1.2× PyTorch's, where the step's time goes.
// KD_BENCH_RECIPES=shapes-student,… picks recipes; KD_BENCH_PROFILE=all profiles every recipe;
// KD_BENCH_BACKENDS, KD_BENCH_RUNS as elsewhere. KD_BENCH_RELU6=ab (KD_BENCH_RELU=ab) also times
// every step with tfjs-core's composite ReLU6 (ReLU) gradient in place of kd's fused one,
// alternating recipe by recipe (extra columns; the profile uses kd's).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFasterRcnn, type DetectionBatch, MomentumSgd } from '@kd/faster-rcnn';
import {
  backboneKernelTimes,
  backboneMacs,
  benchBackends,
  FASTER_RCNN_REFERENCE_SCRIPT,
  markdownTable,
  median,
  profileTrainStep,
  type ReferenceSpec,
  referenceParameterCount,
  referenceWaitPolicy,
  type StepProfile,
} from '@kd/faster-rcnn/testing';
import { type BackendInfo, createRng, initBackend } from '@kd/tensor-ops';
import { runReference, torchAvailable, useActivationGradient } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { distillStep } from '../distillStep.js';
import { presetConfig } from '../presets/presets.js';
import { studentTransform } from '../runTraining.js';
import { studentTrunk } from '../studentTrunk.js';
import { makeBatch, prepareSplit } from '../toDetectionBatch.js';
import { benchImages } from './benchImages.js';
import { BENCH_RECIPES, recipeModels, recipeReferenceSpec } from './recipeModels.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3);
const THREADS = 2;
/** A step over this multiple of PyTorch's gets a profile (the issue's target is 1.2×). */
const PROFILE_ABOVE = 1.2;
/** Kernels listed per recipe in the backbone's kernel table. */
const KERNEL_ROWS = 4;
const DISTILL_SECTION =
  'teacher on the sampled rows + distillation terms + adaptation (distillation step − training step)';

function recipes(): string[] {
  const asked = process.env.KD_BENCH_RECIPES;
  if (asked === undefined || asked === '') return [...BENCH_RECIPES];
  const names = asked.split(',').map((r) => r.trim());
  for (const n of names)
    if (!(BENCH_RECIPES as readonly string[]).includes(n))
      throw new Error(
        `KD_BENCH_RECIPES: '${n}' is not a benchmarked recipe (${BENCH_RECIPES.join(', ')})`,
      );
  return names;
}

interface RecipeTimes {
  readonly step: number;
  readonly inference: number | undefined;
  /** The backbone's forward alone on the inference image (batch 1, with read-back). */
  readonly inferenceBackbone: number | undefined;
  /** Inference (batch 1) through `compileFasterRcnn`: native TensorFlow graphs (tensorflow only). */
  readonly inferenceCompiled?: number;
  /** Whether `step` ran the teacher compiled (`distill.compileTeacher`, tensorflow only). */
  readonly teacherCompiled?: boolean;
  /** A distillation step with the teacher the other way (tensorflow only). */
  readonly stepOtherTeacher?: number;
  /** CPU time / wall time over those steps. */
  readonly cpuPerWallOtherTeacher?: number;
  readonly cpuPerWall: number;
  readonly leaked: number;
}
interface BackendRun {
  readonly info: BackendInfo;
  /** Column label: the backend, and which ReLU6 (ReLU) gradient when KD_BENCH_RELU6 (KD_BENCH_RELU)=ab. */
  readonly label: string;
  readonly times: Record<string, RecipeTimes>;
}
interface ReferenceResult {
  readonly blas: string;
  readonly torch: string;
  readonly torchvision: string;
  readonly threads: number;
  readonly [recipe: string]: unknown;
}
interface ReferenceTimes {
  readonly parameters: number;
  readonly macs: number;
  readonly trainStep: number;
  readonly inference?: number;
  readonly inferenceBackbone?: number;
  /** For a MobileNetV2 student / teacher: same parameters and MACs as torchvision's mobilenet_v2. */
  readonly studentMatchesTorchvision?: boolean;
  readonly teacherMatchesTorchvision?: boolean;
}
/** What the kd side knows of a recipe, for the header and the reference check. */
interface RecipeFacts {
  readonly describe: string;
  readonly batchSize: number;
  readonly parameters: number;
  readonly macs: number;
  readonly spec: ReferenceSpec;
}

async function timeRecipe(
  name: string,
  data: Awaited<ReturnType<typeof benchImages>>,
  facts: Record<string, RecipeFacts>,
  profile: boolean,
): Promise<{
  times: RecipeTimes;
  profile?: StepProfile;
  kernels?: Array<readonly [string, number]>;
}> {
  const r = await recipeModels(name, data.dataset.classNames, data.dataset.train[0]!);
  const own = studentTransform(r.config);
  if (own.minSize !== data.transform.minSize || own.maxSize !== data.transform.maxSize) {
    r.dispose();
    throw new Error(
      `bench: recipe ${name} resizes to ${own.minSize} px; the bench's images are ${data.transform.minSize} px`,
    );
  }
  const o = r.config.optim;
  const batch: DetectionBatch = makeBatch(data.split.images.slice(0, o.batchSize));
  const single: DetectionBatch = makeBatch(data.split.images.slice(0, 1));
  // A teacher at another input size sees the batch's images resized to it, as a run's loader
  // prepares them (`teacherTransform`); otherwise it would run at the student's size.
  const teacherTransform = r.distillation?.teacherTransform;
  const teacherImages = teacherTransform
    ? makeBatch(
        (await prepareSplit(data.dataset.train.slice(0, o.batchSize), teacherTransform)).images,
      ).images
    : undefined;
  const optimizer = new MomentumSgd(o.lr, o.momentum ?? 0.9);
  const rng = createRng(1);
  let step = 0;
  // The student's trunk as the preset trains it: compiled graphs on tensorflow
  // (`model.compileTrunk: 'auto'`), op by op elsewhere.
  const trunkOf = (m: Awaited<ReturnType<typeof recipeModels>>) =>
    studentTrunk(
      m.config.model.compileTrunk ?? 'auto',
      m.student,
      { samples: data.dataset.train, transform: own, batchSize: o.batchSize },
      m.distillation?.studentLayer ? [m.distillation.studentLayer] : [],
    ).compiled;
  const trunk = trunkOf(r);
  const run = (compiledTrunk = true) =>
    distillStep(r.student, batch, r.distillation, {
      optimizer,
      rng,
      step: step++,
      ...(trunk && compiledTrunk ? { trainingTrunk: trunk.run } : {}),
      ...(teacherImages ? { teacherImages } : {}),
      weightDecay: o.weightDecay ?? 1e-4,
      ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
    });
  let other: Awaited<ReturnType<typeof recipeModels>> | undefined;
  let otherOptimizer: tf.Optimizer | undefined;
  let otherTrunk: ReturnType<typeof trunkOf>;
  try {
    if (facts[name] === undefined) {
      const image = tf.slice(batch.images, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
      const macs = await backboneMacs(r.student.backbone, image);
      image.dispose();
      const spec = recipeReferenceSpec(r, batch.images.shape[1]);
      facts[name] = {
        describe: r.student.describe(),
        batchSize: o.batchSize,
        parameters: r.student.params.numParameters(),
        macs,
        spec,
      };
    }
    // The optimiser's slots appear at its first step, and the backbone's cache of folded
    // batch norms at its first inference forward (which `backboneMacs` runs only the first time a
    // recipe is timed in a process): count tensors after warming up both.
    run();
    if (!r.distillation) await r.student.predict(single);
    // On the native backend a distillation recipe is also timed with its teacher the other way
    // (compiled or op by op), the two alternating step by step so that load hits both alike.
    const teacherCompiled = r.distillation?.teacherTrunk !== undefined;
    other =
      r.distillation && tf.getBackend() === 'tensorflow'
        ? await recipeModels(name, data.dataset.classNames, data.dataset.train[0]!, {
            compileTeacher: !teacherCompiled,
          })
        : undefined;
    otherOptimizer = other ? new MomentumSgd(o.lr, o.momentum ?? 0.9) : undefined;
    otherTrunk = other ? trunkOf(other) : undefined;
    const otherStep = () =>
      distillStep(other!.student, batch, other!.distillation, {
        optimizer: otherOptimizer!,
        rng,
        step: 0,
        ...(otherTrunk ? { trainingTrunk: otherTrunk.run } : {}),
        ...(teacherImages ? { teacherImages } : {}),
        weightDecay: o.weightDecay ?? 1e-4,
        ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
      });
    if (other) otherStep(); // its slots, and the compiled teacher's graph
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const otherSteps: number[] = [];
    let cpuUs = 0;
    let wallMs = 0;
    let otherCpuUs = 0;
    for (let i = 0; i < RUNS; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      run();
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      steps.push(ms);
      wallMs += ms;
      cpuUs += c.user + c.system;
      if (other) {
        const o0 = process.cpuUsage();
        const t1 = performance.now();
        otherStep();
        otherSteps.push(performance.now() - t1);
        const oc = process.cpuUsage(o0);
        otherCpuUs += oc.user + oc.system;
      }
    }
    const stepOtherTeacher = other ? median(otherSteps) : undefined;
    const cpuPerWallOtherTeacher = other
      ? otherCpuUs / 1000 / otherSteps.reduce((a, b) => a + b, 0)
      : undefined;
    // A distilled student is the baseline student's architecture: its inference is that row's.
    let inference: number | undefined;
    let inferenceBackbone: number | undefined;
    if (!r.distillation) {
      const inf: number[] = [];
      const fwd: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await r.student.predict(single);
        const t1 = performance.now();
        tf.tidy(
          () =>
            void r.student.backbone.forward(single.images, { training: false }).output.dataSync(),
        );
        fwd.push(performance.now() - t1);
        inf.push(t1 - t0);
      }
      inference = median(inf);
      inferenceBackbone = median(fwd);
    }
    const leaked = tf.memory().numTensors - before;
    let inferenceCompiled: number | undefined;
    if (!r.distillation && tf.getBackend() === 'tensorflow') {
      const compiled = compileFasterRcnn(r.student);
      if (E.isLeft(compiled)) throw new Error(compiled.left);
      try {
        await compiled.right.predict(single);
        const inf: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          await compiled.right.predict(single);
          inf.push(performance.now() - t0);
        }
        inferenceCompiled = median(inf);
      } finally {
        compiled.right.dispose();
      }
    }
    const times = {
      step: median(steps),
      ...(stepOtherTeacher === undefined
        ? {}
        : { teacherCompiled, stepOtherTeacher, cpuPerWallOtherTeacher }),
      inference,
      inferenceBackbone,
      ...(inferenceCompiled === undefined ? {} : { inferenceCompiled }),
      cpuPerWall: cpuUs / 1000 / wallMs,
      leaked,
    };
    if (!profile) return { times };
    // The student's part of the step, section by section; for a distillation step the rest (the
    // frozen teacher on the sampled rows, the distillation terms, the adaptation layer) is the
    // difference between one distillation step and the measured training step.
    const prof = profileTrainStep(r.student, batch, optimizer, createRng(2), 1);
    const backboneVars = r.student.params
      .entries()
      .filter(([n]) => n.startsWith('backbone/') && r.student.params.isTrainable(n))
      .map(([, v]) => v);
    const kernels = await backboneKernelTimes(r.student.backbone, batch.images, backboneVars);
    if (!r.distillation) return { times, profile: prof, kernels };
    // The profile's sections are op by op (a compiled trunk is one call): so is this step.
    const t0 = performance.now();
    run(false);
    const distillMs = performance.now() - t0;
    return {
      times,
      profile: {
        sections: [...prof.sections, [DISTILL_SECTION, distillMs - prof.totalMs]],
        totalMs: distillMs,
      },
      kernels,
    };
  } finally {
    tf.dispose([batch.images, single.images]);
    teacherImages?.dispose();
    optimizer.dispose();
    otherOptimizer?.dispose();
    trunk?.dispose();
    otherTrunk?.dispose();
    other?.dispose();
    r.dispose();
  }
}

async function main(): Promise<void> {
  const names = recipes();
  const backends = benchBackends();
  const dir = mkdtempSync(join(tmpdir(), 'kd-recipe-bench-'));
  const load0 = loadavg();
  try {
    const maxBatch = Math.max(
      ...names.map((n) => {
        const c = presetConfig(n);
        return E.isRight(c) ? c.right.optim.batchSize : 1;
      }),
    );
    const data = await benchImages(maxBatch, dir);
    const facts: Record<string, RecipeFacts> = {};
    const runs: BackendRun[] = [];
    const activation =
      process.env.KD_BENCH_RELU === 'ab'
        ? 'relu'
        : process.env.KD_BENCH_RELU6 === 'ab'
          ? 'relu6'
          : undefined;
    const label = activation === 'relu' ? 'ReLU' : 'ReLU6';
    const gradients = activation === undefined ? (['kd'] as const) : (['kd', 'tfjs'] as const);
    for (const backend of backends) {
      const info = await initBackend({ backend });
      const times = { kd: {}, tfjs: {} } as Record<'kd' | 'tfjs', Record<string, RecipeTimes>>;
      for (const name of names) {
        for (const gradient of gradients) {
          if (activation !== undefined) useActivationGradient(activation, gradient);
          const t0 = performance.now();
          const { times: t } = await timeRecipe(name, data, facts, false);
          times[gradient][name] = t;
          console.error(
            `[recipe bench] ${backend}${gradients.length > 1 ? ` (${gradient} ${label} gradient)` : ''} ${name}: step ${t.step.toFixed(0)} ms` +
              `${t.inference === undefined ? '' : `, inference ${t.inference.toFixed(0)} ms`} ` +
              `(${((performance.now() - t0) / 1000).toFixed(0)} s with set-up)`,
          );
        }
      }
      if (activation !== undefined) useActivationGradient(activation, 'kd');
      for (const gradient of gradients)
        runs.push({
          info,
          label:
            gradients.length > 1
              ? `tfjs-${backend}, ${gradient === 'kd' ? "kd's fused" : "tfjs-core's"} ${label} gradient`
              : `tfjs-${backend}`,
          times: times[gradient],
        });
    }

    let reference: ReferenceResult | undefined;
    let refNote =
      'PyTorch reference skipped: /usr/bin/python3 cannot import torch and torchvision (apt-get install python3-torch python3-torchvision)';
    if (torchAvailable(['torch', 'torchvision'])) {
      const waitPolicy = referenceWaitPolicy(load0[0]);
      console.error(`[recipe bench] PyTorch reference: ${names.length} recipes, ${RUNS} runs each`);
      const batch = makeBatch(data.split.images.slice(0, maxBatch));
      const [n, h, w] = batch.images.shape;
      if (h !== w) throw new Error(`bench: the shapes images are ${h}×${w}, expected squares`);
      const pixels = batch.images.dataSync() as Float32Array;
      batch.images.dispose();
      const imagesFile = join(dir, 'images.f32');
      writeFileSync(imagesFile, Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength));
      // Each recipe trains on the first `batchSize` images: the reference gets one spec per batch size.
      const spec = {
        data: {
          batch: n,
          size: h,
          imagesFile,
          targets: batch.targets!.map((t) => ({
            boxes: Array.from(t.boxes),
            labels: Array.from(t.labels),
          })),
        },
        models: Object.fromEntries(
          names.map((r) => [
            r,
            {
              ...facts[r]!.spec,
              batch: facts[r]!.batchSize,
              skipInference: facts[r]!.spec.distill !== undefined,
            },
          ]),
        ),
      };
      const specFile = join(dir, 'spec.json');
      writeFileSync(specFile, JSON.stringify(spec));
      reference = runReference<ReferenceResult>(FASTER_RCNN_REFERENCE_SCRIPT, [
        specFile,
        String(THREADS),
        String(RUNS),
      ]);
      refNote = `PyTorch ${reference.torch} / torchvision ${reference.torchvision} CPU, ${reference.threads} threads, ${waitPolicy}, BLAS ${reference.blas}`;
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
      `Recipe benchmark: the presets' training step (their batch size) and inference (batch 1) on the shapes dataset's ${data.split.images[0]!.image.height} px images; median of ${RUNS} runs after 1 warm-up; random heads and teachers (a step's work does not depend on the weights), ImageNet backbones where the preset names them`,
    );
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average before ${load0
        .map((l) => l.toFixed(2))
        .join(' ')}, after ${loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' ',
        )} (other processes distort every number); Node ${process.versions.node}; tfjs ${runs[0]?.info.tfjsVersion}; backends ${[...new Set(runs.map(describeBackend))].join('; ')}; ${refNote}`,
    );
    for (const name of names) {
      const f = facts[name]!;
      const ref = reference?.[name] as ReferenceTimes | undefined;
      const d = f.spec.distill;
      const check =
        ref === undefined
          ? ''
          : ref.parameters === f.parameters &&
              ref.parameters === referenceParameterCount(f.spec) &&
              ref.macs === f.macs
            ? '; PyTorch: same parameter count and backbone MACs'
            : `; PyTorch has ${ref.parameters} parameters and ${ref.macs} MACs (MISMATCH)`;
      const tv = (['student', 'teacher'] as const)
        .map((role) => [role, ref?.[`${role}MatchesTorchvision`]] as const)
        .filter(([, m]) => m !== undefined)
        .map(
          ([role, m]) =>
            `; ${d ? `${role}'s ` : ''}MobileNetV2 ${m ? '=' : '≠ (MISMATCH)'} torchvision mobilenet_v2 features (parameters, MACs)`,
        )
        .join('');
      console.log(
        `${name}: ${f.describe}; backbone ${(f.macs / 1e6).toFixed(0)} M MACs/image; batch ${f.batchSize}` +
          `${d ? `; teacher ${d.teacher.backbone.type === 'mobilenetv2' ? 'MobileNetV2' : 'sequential'} stride ${d.teacher.stride} at ${d.teacherImageSize} px, hint ${d.hint.studentLayer} → ${d.hint.teacherLayer} (${d.hint.adaptation.kernel}×${d.hint.adaptation.kernel} ${d.hint.adaptation.cin}→${d.hint.adaptation.cout}, ${d.hint.resample}, ${d.hint.normalize}), T ${d.objective.temperature}` : ''}${check}${tv}`,
      );
    }
    const rows: string[][] = [];
    const overTarget: string[] = [];
    for (const name of names) {
      const ref = reference?.[name] as ReferenceTimes | undefined;
      for (const what of ['step', 'stepOtherTeacher', 'inference', 'inferenceCompiled'] as const) {
        const refMs = what.startsWith('step') ? ref?.trainStep : ref?.inference;
        const cells = runs.flatMap((r) => {
          const ms = r.times[name]?.[what];
          if (ms === undefined) return ['—', '—'];
          const ratio = refMs === undefined ? undefined : ms / refMs;
          if (what === 'step' && r === runs[0] && ratio !== undefined && ratio > PROFILE_ABOVE)
            overTarget.push(name);
          return [ms.toFixed(0), ratio === undefined ? '—' : `${ratio.toFixed(2)}×`];
        });
        if (what !== 'step' && cells.every((c) => c === '—')) continue;
        // On the native backend a distillation recipe is timed with its teacher both ways.
        const compiled = runs.find((r) => r.times[name]?.teacherCompiled !== undefined)?.times[name]
          ?.teacherCompiled;
        const mode = (c: boolean) => `, teacher ${c ? 'compiled' : 'op by op'}`;
        rows.push([
          name,
          what === 'step'
            ? `${facts[name]!.spec.distill ? 'distillation' : 'training'} step (batch ${facts[name]!.batchSize})${compiled === undefined ? '' : `${mode(compiled)} (the preset's)`}`
            : what === 'stepOtherTeacher'
              ? `distillation step (batch ${facts[name]!.batchSize})${mode(!compiled)}`
              : what === 'inference'
                ? 'inference (batch 1)'
                : 'inference (batch 1), compiled graphs',
          ...cells,
          refMs === undefined ? '—' : refMs.toFixed(0),
        ]);
      }
    }
    console.log(
      markdownTable(
        [
          'recipe',
          'work',
          ...runs.flatMap((r) => [`${r.label} ms`, '÷ PyTorch']),
          `PyTorch ms (${THREADS} threads)`,
        ],
        rows,
      ),
    );
    // Which part of inference dominates: the backbone's forward against the rest (RPN, proposals,
    // RoIAlign, head, decoding, NMS, read-backs), timed in the same loop, on both sides.
    const split = names.filter((n) =>
      runs.some((r) => r.times[n]?.inferenceBackbone !== undefined),
    );
    if (split.length > 0) {
      console.log(
        markdownTable(
          [
            'recipe',
            ...runs.flatMap((r) => [`${r.label}: backbone forward ms`, 'rest of inference ms']),
            'PyTorch: backbone forward ms',
            'rest of inference ms',
          ],
          split.map((n) => [
            n,
            ...runs.flatMap((r) => {
              const t = r.times[n]!;
              return [
                t.inferenceBackbone!.toFixed(0),
                (t.inference! - t.inferenceBackbone!).toFixed(0),
              ];
            }),
            ...(() => {
              const ref = reference?.[n] as ReferenceTimes | undefined;
              return ref?.inference !== undefined && ref.inferenceBackbone !== undefined
                ? [
                    ref.inferenceBackbone.toFixed(0),
                    (ref.inference - ref.inferenceBackbone).toFixed(0),
                  ]
                : ['—', '—'];
            })(),
          ]),
        ),
      );
    }
    for (const r of runs) {
      const cw = names
        .map((n) => {
          const t = r.times[n]!;
          const other = t.cpuPerWallOtherTeacher;
          return `${n} ${t.cpuPerWall.toFixed(2)}${other === undefined ? '' : ` (teacher ${t.teacherCompiled ? 'compiled' : 'op by op'}; the other way ${other.toFixed(2)})`}`;
        })
        .join(', ');
      const leaked = names.reduce((a, n) => a + r.times[n]!.leaked, 0);
      console.log(
        `${r.label}: CPU time / wall time over the timed steps: ${cw}; tensors leaked: ${leaked}`,
      );
    }

    // Where the time goes, on the preferred backend, for the training recipes over the target.
    const first = backends[0];
    const toProfile = process.env.KD_BENCH_PROFILE === 'all' ? names : overTarget;
    if (first !== undefined && toProfile.length > 0) {
      await initBackend({ backend: first });
      const profiles: Record<string, StepProfile> = {};
      const kernels: Record<string, Array<readonly [string, number]>> = {};
      for (const name of toProfile) {
        console.error(`[recipe bench] profiling ${name} on ${first}`);
        const p = await timeRecipe(name, data, facts, true);
        profiles[name] = p.profile!;
        kernels[name] = p.kernels!;
      }
      console.log(
        `\nWhere a step's time goes on tfjs-${first} for ${process.env.KD_BENCH_PROFILE === 'all' ? 'every recipe' : `the recipes over ${PROFILE_ABOVE}× PyTorch`} (one run, the trunk op by op; each section timed alone with read-back; a distillation recipe's student sections are its training step's)`,
      );
      const sections = [
        ...new Set(toProfile.flatMap((n) => profiles[n]!.sections.map(([s]) => s))),
      ];
      const prow = sections.map((s) => [
        s,
        ...toProfile.flatMap((n) => {
          const p = profiles[n]!;
          const ms = p.sections.find(([x]) => x === s)?.[1] ?? 0;
          return [ms.toFixed(0), `${((100 * ms) / p.totalMs).toFixed(0)}%`];
        }),
      ]);
      prow.push([
        'whole step (measured)',
        ...toProfile.flatMap((n) => [profiles[n]!.totalMs.toFixed(0), '100%']),
      ]);
      console.log(
        markdownTable(['section', ...toProfile.flatMap((n) => [`${n} ms`, 'share'])], prow),
      );
      console.log(
        `\nThe trained backbone's forward + backward (batch ${maxBatch}) by tfjs kernel on tfjs-${first}: the ${KERNEL_ROWS} largest (tf.profile, one run)`,
      );
      console.log(
        markdownTable(
          [
            'recipe',
            ...Array.from({ length: KERNEL_ROWS }, (_, i) => `#${i + 1} kernel: ms`),
            'all kernels ms',
          ],
          toProfile.map((n) => {
            const k = kernels[n]!;
            const cells = Array.from({ length: KERNEL_ROWS }, (_, i) =>
              k[i] ? `${k[i]![0]}: ${k[i]![1].toFixed(0)}` : '—',
            );
            return [n, ...cells, k.reduce((a, [, ms]) => a + ms, 0).toFixed(0)];
          }),
        ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
