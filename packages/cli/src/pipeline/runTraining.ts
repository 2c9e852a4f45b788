import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createHintPairing, type HintPairing, type ResolutionPlan } from '@kd/adaptation';
import { type PreparedImage, shuffleSeeded } from '@kd/data-voc-coco-kitti';
import {
  type DetectionBatch,
  decodeFasterRcnnConfig,
  FasterRcnn,
  type LearningRateSchedule,
  latestCheckpoint,
  learningRateAt,
  loadCheckpoint,
  loadFasterRcnn,
  loadPretrainedBackbone,
  markLatest,
  restoreOptimizer,
  saveCheckpoint,
  type TrainForward,
  trainStep,
} from '@kd/faster-rcnn';
import {
  ablationStack,
  cosineWarmup,
  type DistillContext,
  decodePaperObjectiveConfig,
  type LossStack,
  type PaperObjectiveOptions,
  paperObjective,
} from '@kd/losses';
import { createRng, type Rng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { type DetectorScores, evaluateDetector } from './evaluateDetector.js';
import { hintForBatch } from './hintForBatch.js';
import { type LoadedDataset, loadDataset } from './loadDataset.js';
import { makeBatch, type PreparedSplit, prepareSplit } from './preparedSplit.js';
import { createProgress } from './progress.js';
import { resolveCheckpoint } from './resolveCheckpoint.js';
import type { RunConfig } from './runConfig.js';

export interface TrainingOptions {
  readonly config: RunConfig;
  readonly runDir: string;
  /** No progress display (tests, nested runs). */
  readonly quiet?: boolean;
  /** Stop (after checkpointing) once this run has done this many steps: simulates a crash. */
  readonly stopAfterSteps?: number;
  /** Preloaded data, to share between runs of one process (the demo). */
  readonly data?: {
    readonly dataset: LoadedDataset;
    readonly train: PreparedSplit;
    readonly test: PreparedSplit;
  };
  /**
   * A user-composed objective replacing the one `config.distill` describes (`objective`,
   * `ablation`); the teacher, the hint pairing (`distill.hint`) and the rest of the run stay as
   * configured. Its keys are logged like the built-in ones.
   */
  readonly lossStack?: LossStack<DistillContext>;
}

export interface TrainingResult {
  readonly runDir: string;
  readonly scores: DetectorScores | undefined;
  readonly steps: number;
  readonly completed: boolean;
  readonly seconds: number;
  readonly model: FasterRcnn;
  readonly classNames: readonly string[];
}

interface DistillSetup {
  readonly teacher: FasterRcnn;
  readonly teacherImages: readonly PreparedImage[] | undefined;
  readonly scale: number;
  readonly pairing: HintPairing | undefined;
  readonly stack: LossStack<DistillContext>;
  readonly teacherLayer: string | undefined;
  readonly studentLayer: string | undefined;
  readonly plans: Map<string, ResolutionPlan>;
}

const DEFAULT_IMAGE_SIZE = 128;

/** Stable per-sample pseudo-random bit (flip decisions), independent of any RNG state. */
function hashBit(seed: number, g: number): boolean {
  let h = (seed ^ Math.imul(g + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) & 1) === 1;
}

function scheduleOf(o: RunConfig['optim']): LearningRateSchedule {
  const kind = o.schedule ?? 'cosine';
  return {
    base: o.lr,
    warmupSteps: o.warmupSteps ?? Math.min(100, Math.floor(o.steps / 10)),
    warmupFactor: 0.001,
    ...(kind === 'cosine' ? { cosine: true, totalSteps: o.steps, minFactor: 0.01 } : {}),
    ...(kind === 'step'
      ? { milestones: o.milestones ?? [Math.floor(o.steps * 0.75)], gamma: 0.1 }
      : {}),
  };
}

function featureShape(model: FasterRcnn, layer: string, h: number, w: number): number[] {
  const info = model.backbone.layers.find((l) => l.name === layer);
  if (!info) {
    throw new Error(
      `backbone ${model.backbone.name} has no layer '${layer}' (layers: ${model.backbone.layers.map((l) => l.name).join(', ')})`,
    );
  }
  return [Math.ceil(h / info.stride), Math.ceil(w / info.stride), info.channels];
}

async function setupDistill(
  config: NonNullable<RunConfig['distill']>,
  student: FasterRcnn,
  dataset: LoadedDataset,
  train: PreparedSplit,
  studentMinSize: number,
  studentMaxSize: number,
  customStack: LossStack<DistillContext> | undefined,
): Promise<DistillSetup> {
  const { model: teacher, checkpoint } = await loadFasterRcnn(resolveCheckpoint(config.teacher));
  tf.dispose(Object.values(checkpoint.extraWeights));
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
  // A config error found after loading the teacher must not leak its weights.
  try {
    if (teacher.config.numClasses !== student.config.numClasses) {
      throw new Error(
        `teacher ${config.teacher} has ${teacher.config.numClasses} classes, the student ${student.config.numClasses}`,
      );
    }
    // Same count but another order would distill each class into a different one.
    const taught = (checkpoint.metadata.extra as { classNames?: unknown } | null)?.classNames;
    if (Array.isArray(taught) && taught.join('\n') !== dataset.classNames.join('\n'))
      throw new Error(
        `teacher ${config.teacher} was trained on classes [${taught.join(', ')}], the student's dataset has [${dataset.classNames.join(', ')}]; the lists must match in order`,
      );
    const teacherMin = config.teacherMinSize ?? studentMinSize;
    const scale = teacherMin / studentMinSize;
    let teacherImages: readonly PreparedImage[] | undefined;
    if (teacherMin !== studentMinSize) {
      const prepared = await prepareSplit(dataset.train, {
        minSize: teacherMin,
        maxSize: config.teacherMaxSize ?? Math.round(studentMaxSize * scale),
      });
      teacherImages = prepared.images;
    }
    let objective: PaperObjectiveOptions = {};
    if (config.objective) {
      const r = decodePaperObjectiveConfig(config.objective, 'run config', 'distill.objective');
      if (E.isLeft(r)) throw new Error(r.left.join('\n'));
      objective = r.right;
    }
    if (config.distillWarmupSteps) {
      objective = {
        ...objective,
        distillWeight: cosineWarmup({ to: 1, warmupSteps: config.distillWarmupSteps }),
      };
    }
    const row = config.ablation ?? 'full';
    const stack =
      customStack ?? (row === 'full' ? paperObjective(objective) : ablationStack(row, objective));
    let pairing: HintPairing | undefined;
    const needsHint = customStack
      ? config.hint !== undefined
      : row === 'full' || row === 'Hints' || row === 'Hints-A';
    if (needsHint) {
      if (!config.hint)
        throw new Error(`distill.hint is required for the '${row}' objective (it has a hint term)`);
      const sample = train.images[0]!;
      const th = Math.round(sample.image.height * scale);
      const tw = Math.round(sample.image.width * scale);
      const tLayer = teacher.backbone.layers.find((l) => l.name === config.hint!.teacherLayer);
      const sLayer = student.backbone.layers.find((l) => l.name === config.hint!.studentLayer);
      const r = createHintPairing({
        teacher: {
          name: config.hint.teacherLayer,
          shape: featureShape(teacher, config.hint.teacherLayer, th, tw),
          ...(tLayer ? { stride: tLayer.stride } : {}),
        },
        student: {
          name: config.hint.studentLayer,
          shape: featureShape(
            student,
            config.hint.studentLayer,
            sample.image.height,
            sample.image.width,
          ),
          ...(sLayer ? { stride: sLayer.stride } : {}),
        },
        adaptation: config.hint.adaptation ?? 'conv1x1',
        normalize: config.hint.normalize ?? 'none',
        seed: student.config.seed,
      });
      if (E.isLeft(r)) throw new Error(r.left);
      pairing = r.right;
      if (row === 'Hints') {
        // The no-adaptation row compares raw features: it is only defined when the layers agree.
        const t = featureShape(teacher, config.hint.teacherLayer, th, tw);
        const s = featureShape(
          student,
          config.hint.studentLayer,
          sample.image.height,
          sample.image.width,
        );
        if (t.join() !== s.join()) {
          pairing.dispose();
          throw new Error(
            `the 'Hints' row (hint without adaptation) needs the student's ${config.hint.studentLayer} [${s}] ` +
              `and the teacher's ${config.hint.teacherLayer} [${t}] to have the same shape; ` +
              `use 'Hints-A' (with a 1×1 adaptation) or pick layers that match`,
          );
        }
      }
    }
    return {
      teacher,
      teacherImages,
      scale,
      pairing,
      stack,
      teacherLayer: config.hint?.teacherLayer,
      studentLayer: config.hint?.studentLayer,
      plans: new Map(),
    };
  } catch (e) {
    teacher.dispose();
    throw e;
  }
}

function distillLoss(
  d: DistillSetup,
  teacherImages: tf.Tensor4D,
  student: FasterRcnn,
  step: number,
) {
  return (fwd: TrainForward): Record<string, tf.Scalar> => {
    const [fh, fw] = fwd.rows.featureSize;
    const t = d.teacher.forwardOnRows(teacherImages, fwd.rows, student.anchors(fh, fw), d.scale, {
      collect: d.teacherLayer ? [d.teacherLayer] : [],
    });
    const sFeat = d.studentLayer ? fwd.features[d.studentLayer] : undefined;
    const tFeat = d.teacherLayer ? t.features[d.teacherLayer] : undefined;
    const hint =
      sFeat && tFeat && d.pairing ? hintForBatch(d.pairing, sFeat, tFeat, d.plans) : undefined;
    const ctx: DistillContext = {
      student: {
        ...fwd.outputs,
        ...(sFeat ? { features: sFeat } : {}),
        ...(hint ? { adaptedFeatures: hint.adapted } : {}),
      },
      teacher: {
        ...t.outputs,
        ...(hint ? { features: hint.target } : tFeat ? { features: tFeat } : {}),
      },
      targets: fwd.targets,
    };
    const r = d.stack.evaluate(ctx, step);
    const out: Record<string, tf.Scalar> = {};
    for (const [k, c] of Object.entries(r.components))
      out[k] = tf.mul(c, r.weights[k] ?? 0) as tf.Scalar;
    return out;
  };
}

/**
 * `kd train` / `kd distill`: trains a detector as the run config says, writing to `runDir`:
 * `config.json`, `metrics.jsonl` (one line per step, plus evaluations), `checkpoints/ckpt-<step>`
 * (atomic, the last two kept, `LATEST` pointing at the newest), `scores.json`. A run whose folder
 * already holds checkpoints resumes from the newest: same data order, same sampling RNG, same
 * optimiser state, so the result equals an uninterrupted run.
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingResult> {
  const { config, runDir } = options;
  const started = Date.now();
  mkdirSync(runDir, { recursive: true });
  const configPath = join(runDir, 'config.json');
  const configText = `${JSON.stringify(config, null, 2)}\n`;
  if (existsSync(configPath) && readFileSync(configPath, 'utf8') !== configText) {
    throw new Error(
      `${runDir} holds a run with a different config.json: use another run folder, or delete it to start over`,
    );
  }
  writeFileSync(configPath, configText);
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };

  const dataset = options.data?.dataset ?? (await loadDataset(config.dataset));
  const minSize = config.model.minSize ?? config.dataset.imageSize ?? DEFAULT_IMAGE_SIZE;
  const maxSize = config.model.maxSize ?? Math.round(minSize * (1333 / 800));
  const train = options.data?.train ?? (await prepareSplit(dataset.train, { minSize, maxSize }));
  const test = options.data?.test ?? (await prepareSplit(dataset.test, { minSize, maxSize }));
  const detector = decodeFasterRcnnConfig(
    { ...config.model.detector, numClasses: dataset.classNames.length },
    `${configPath} (model.detector)`,
  );
  if (E.isLeft(detector)) throw new Error(detector.left);
  const model = new FasterRcnn(detector.right);
  log(
    `${config.name ?? 'run'}: ${model.describe()} on ${dataset.description}: ${train.images.length} train / ${test.images.length} test images`,
  );

  const o = config.optim;
  const optimizer = tf.train.momentum(o.lr, o.momentum ?? 0.9);
  let distill: DistillSetup | undefined;
  try {
    distill = config.distill
      ? await setupDistill(
          config.distill,
          model,
          dataset,
          train,
          minSize,
          maxSize,
          options.lossStack,
        )
      : undefined;
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    throw e;
  }
  const ckptDir = join(runDir, 'checkpoints');
  const seed = o.seed ?? 0;
  let step = 0;
  let rng: Rng = createRng(seed);
  const latest = latestCheckpoint(ckptDir);
  if (latest) {
    const ckpt = await loadCheckpoint(latest);
    model.params.assign(ckpt.weights);
    tf.dispose(Object.values(ckpt.weights));
    await restoreOptimizer(optimizer, ckpt);
    if (distill?.pairing) {
      const byName = new Map(distill.pairing.variables().map((v) => [v.name, v]));
      for (const [name, t] of Object.entries(ckpt.extraWeights)) byName.get(name)?.assign(t);
    }
    tf.dispose(Object.values(ckpt.extraWeights));
    step = ckpt.metadata.step;
    rng = createRng(ckpt.metadata.rngState);
    // Steps logged after the checkpoint (by a run that then crashed) will be redone: drop them.
    const metricsFile = join(runDir, 'metrics.jsonl');
    if (existsSync(metricsFile)) {
      const kept = readFileSync(metricsFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && (JSON.parse(l) as { step: number }).step <= step);
      const tmp = `${metricsFile}.tmp-${process.pid}`;
      writeFileSync(tmp, kept.map((l) => `${l}\n`).join(''));
      renameSync(tmp, metricsFile);
    }
    log(`resuming from ${latest} at step ${step}`);
  } else if (model.config.backbone.pretrained !== undefined) {
    const r = await loadPretrainedBackbone(model);
    log(
      `ImageNet initialisation from ${r.source}: ${r.loaded.length} backbone parameters up to ${r.cut} (stride ${r.stride}); ${r.random.length} head parameters random`,
    );
  }

  const schedule = scheduleOf(o);
  const n = train.images.length;
  const perms = new Map<number, number[]>();
  const perm = (epoch: number) => {
    let p = perms.get(epoch);
    if (!p) {
      p = shuffleSeeded(
        Array.from({ length: n }, (_, i) => i),
        seed * 1009 + epoch,
      );
      perms.clear();
      perms.set(epoch, p);
    }
    return p;
  };
  const metricsPath = join(runDir, 'metrics.jsonl');
  const checkpoint = async () => {
    const name = `ckpt-${String(step).padStart(6, '0')}`;
    await saveCheckpoint(model, join(ckptDir, name), {
      step,
      rngState: rng.state(),
      optimizer,
      extra: { config, classNames: dataset.classNames, minSize, maxSize },
      ...(distill?.pairing
        ? { extraWeights: Object.fromEntries(distill.pairing.variables().map((v) => [v.name, v])) }
        : {}),
    });
    markLatest(ckptDir, name);
    const all = readdirSync(ckptDir)
      .filter((f) => f.startsWith('ckpt-'))
      .sort();
    for (const old of all.slice(0, -2))
      rmSync(join(ckptDir, old), { recursive: true, force: true });
  };

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  const progress = createProgress(
    config.name ?? (distill ? 'distill' : 'train'),
    o.steps,
    options.quiet,
  );
  const startStep = step;
  const every = o.checkpointEvery ?? Math.max(1, Math.ceil(o.steps / 4));
  try {
    while (step < o.steps) {
      const idx: number[] = [];
      const flips: boolean[] = [];
      for (let i = 0; i < o.batchSize; i++) {
        const g = step * o.batchSize + i;
        idx.push(perm(Math.floor(g / n))[g % n]!);
        flips.push((o.flip ?? true) && hashBit(seed, g));
      }
      const batch: DetectionBatch = makeBatch(
        idx.map((i) => train.images[i]!),
        flips,
      );
      const teacherBatch =
        distill?.teacherImages !== undefined
          ? makeBatch(
              idx.map((i) => distill.teacherImages![i]!),
              flips,
            )
          : undefined;
      optimizer.setLearningRate(learningRateAt(schedule, step));
      const t0 = Date.now();
      const r = trainStep(model, batch, {
        optimizer,
        rng,
        weightDecay: o.weightDecay ?? 1e-4,
        ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
        ...(distill
          ? {
              loss: distillLoss(distill, (teacherBatch ?? batch).images, model, step),
              ...(distill.studentLayer ? { collect: [distill.studentLayer] } : {}),
              ...(distill.pairing ? { extraVariables: distill.pairing.variables() } : {}),
            }
          : {}),
      });
      batch.images.dispose();
      teacherBatch?.images.dispose();
      step++;
      appendFileSync(
        metricsPath,
        `${JSON.stringify({ step, lr: learningRateAt(schedule, step - 1), loss: r.total, ...r.losses, gradNorm: r.gradNorm, ms: Date.now() - t0 })}\n`,
      );
      progress.update(step, { loss: r.total.toFixed(3) });
      if (step % every === 0 || step === o.steps || interrupted) await checkpoint();
      if (o.evalEvery && step % o.evalEvery === 0 && step < o.steps) {
        const { scores } = await evaluateDetector(
          model,
          test.samples,
          test.images,
          dataset.classNames,
        );
        appendFileSync(metricsPath, `${JSON.stringify({ step, eval: scores })}\n`);
      }
      if (interrupted) {
        log(
          `interrupted: checkpoint at step ${step} written; run the same command again to resume`,
        );
        break;
      }
      if (options.stopAfterSteps !== undefined && step - startStep >= options.stopAfterSteps) {
        await checkpoint();
        break;
      }
    }
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const completed = step >= o.steps;
  let scores: DetectorScores | undefined;
  if (completed) {
    const progressEval = createProgress('evaluate', test.images.length, options.quiet);
    const evaluated = await evaluateDetector(
      model,
      test.samples,
      test.images,
      dataset.classNames,
      8,
      (d) => progressEval.update(d),
    );
    progressEval.stop();
    scores = evaluated.scores;
    appendFileSync(metricsPath, `${JSON.stringify({ step, eval: scores })}\n`);
    writeFileSync(join(runDir, 'scores.json'), `${JSON.stringify(scores, null, 2)}\n`);
  }
  distill?.teacher.dispose();
  distill?.pairing?.dispose();
  optimizer.dispose();
  return {
    runDir,
    scores,
    steps: step,
    completed,
    seconds: (Date.now() - started) / 1000,
    model,
    classNames: dataset.classNames,
  };
}
