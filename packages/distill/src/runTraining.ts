import { appendFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { TransformOptions } from '@kd/data-voc-coco-kitti';
import {
  type FasterRcnn,
  type LearningRateSchedule,
  learningRateAt,
  loadPretrainedBackbone,
  MomentumSgd,
  markLatest,
  ProposalThread,
  saveCheckpoint,
} from '@kd/faster-rcnn';
import type { DistillContext, LossStack } from '@kd/losses';
import { createRng, type Rng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDistillation, type Distillation } from './createDistillation.js';
import { DataParallel, dataParallelProblem } from './DataParallel.js';
import { type DistillStepResult, distillStep } from './distillStep.js';
import { type DetectorScores, evaluateDetector } from './evaluateDetector.js';
import { initFromCheckpoint } from './initFromCheckpoint.js';
import { createStudent } from './internal/createStudent.js';
import { replicaSizes } from './internal/replicaSizes.js';
import { type LoadedDataset, loadDataset } from './loadDataset.js';
import { pruneCheckpoints } from './pruneCheckpoints.js';
import { resumeCheckpoint } from './resumeCheckpoint.js';
import type { RunConfig } from './runConfig.js';
import { claimRunFolder, trimMetrics } from './runFolder.js';
import { type StudentTrunk, studentTrunk } from './studentTrunk.js';
import { TeacherThread, trunkTensors } from './TeacherThread.js';
import { type StepWithTeacher, teacherAhead } from './teacherAhead.js';
import { makeBatch, type PreparedSplit, prepareSplit } from './toDetectionBatch.js';
import { type PreparedStep, stepPlanner, trainingBatches } from './trainingBatches.js';

/** One logged training step, as written to `metrics.jsonl`. */
export interface StepRecord {
  /** Steps done (1-based after the step). */
  readonly step: number;
  readonly lr: number;
  /** The loss minimised: the objective's `total`. */
  readonly loss: number;
  /** Each term's weighted contribution (they sum to `loss`). */
  readonly losses: Readonly<Record<string, number>>;
  readonly gradNorm: number;
  readonly ms: number;
}

/**
 * What long work reports: `generate` (the embedded dataset, first use), `prepare` (the evaluation
 * split), `train` (steps), `evaluate` (images).
 */
export interface ProgressEvent {
  readonly stage: 'generate' | 'prepare' | 'train' | 'evaluate';
  readonly done: number;
  readonly total: number;
  readonly info?: Readonly<Record<string, string>>;
}

/** Callbacks of `runTraining`: where a caller prints, plots or stores what happens. */
export interface TrainingHooks {
  /** One human-readable line (set-up, resume, dataset problems, interruption). */
  readonly onLog?: (line: string) => void;
  readonly onStep?: (record: StepRecord) => void;
  readonly onCheckpoint?: (checkpoint: { step: number; path: string }) => void;
  readonly onEvaluate?: (evaluation: { step: number; scores: DetectorScores }) => void;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface TrainingOptions extends TrainingHooks {
  readonly config: RunConfig;
  readonly runDir: string;
  /**
   * Stops the run: the step under way finishes, a checkpoint is written and `runTraining` returns
   * with `completed: false` (the CLI aborts it on Ctrl-C). Running the same call again resumes.
   */
  readonly signal?: AbortSignal;
  /** Start this config over in a folder holding another run (removes only the files kd wrote there). */
  readonly restart?: boolean;
  /** Stop (after checkpointing) once this run has done this many steps: simulates a crash. */
  readonly stopAfterSteps?: number;
  /** Preloaded data, to share between runs of one process (the demo): the dataset and its test split. */
  readonly data?: {
    readonly dataset: LoadedDataset;
    readonly test: PreparedSplit;
  };
  /**
   * A user-composed objective replacing the one `config.distill` describes (`objective`,
   * `ablation`); the teacher, the hint pairing (`distill.hint`) and the rest of the run stay as
   * configured. Its keys are logged like the built-in ones.
   */
  readonly lossStack?: LossStack<DistillContext>;
  /** Training images prepared ahead of the step (default 2 steps) and loader threads (default 1). */
  readonly prefetch?: number;
  readonly loaderWorkers?: number;
  /**
   * Data-parallel replicas (default 1: one thread, the plain step). With n > 1, n − 1 worker
   * threads each compute the gradients of a slice of every batch (8 images over 3 replicas:
   * 3 + 3 + 2) while this thread computes the first; the gradients of the slices' mean losses are
   * averaged in replica order and applied by the one optimiser, as PyTorch DDP does. For the
   * single-threaded wasm and cpu backends only; not with a custom `lossStack`; at most
   * `optim.batchSize`. Deterministic for a given seed and n, and resumable, but not the same
   * numbers as another n (each replica samples from its own seed and normalises by its own slice).
   */
  readonly dataParallel?: number;
}

export interface TrainingResult {
  readonly runDir: string;
  readonly scores: DetectorScores | undefined;
  readonly steps: number;
  readonly completed: boolean;
  readonly seconds: number;
  /** The trained student; the caller disposes it. */
  readonly model: FasterRcnn;
  readonly classNames: readonly string[];
}

const DEFAULT_IMAGE_SIZE = 128;

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

/** The student's resize: the config's sizes, else the dataset's image size, else 128 px. */
export function studentTransform(config: RunConfig): TransformOptions {
  const minSize = config.model.minSize ?? config.dataset.imageSize ?? DEFAULT_IMAGE_SIZE;
  const maxSize = config.model.maxSize ?? Math.round(minSize * (1333 / 800));
  return { minSize, maxSize };
}

/** Lets pending events (a SIGINT handler, worker messages) run between two steps. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Trains a detector as the run config says (a teacher or baseline without `distill`, a distilled
 * student with it), writing to `runDir`: `config.json`, `metrics.jsonl` (one line per step, plus
 * evaluations), `checkpoints/ckpt-<step>` (the last two kept, `LATEST` pointing at the newest),
 * `scores.json`. Training images are streamed (see `trainingBatches`). A run whose folder already
 * holds checkpoints resumes from the newest: same data order, same sampling RNG, same optimiser
 * state, so the result equals an uninterrupted run.
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingResult> {
  const { config, runDir } = options;
  const log = options.onLog ?? (() => {});
  const progress = options.onProgress ?? (() => {});
  const started = Date.now();
  const replicas = options.dataParallel ?? 1;
  const refused = dataParallelProblem({
    replicas,
    batchSize: config.optim.batchSize,
    backend: tf.getBackend(),
    customLossStack: options.lossStack !== undefined,
    teacherThread: config.distill?.teacherThread,
    proposalThread: config.model.proposalThread,
  });
  if (refused) throw new Error(refused);
  claimRunFolder(runDir, `${JSON.stringify(config, null, 2)}\n`, options.restart);
  const configPath = join(runDir, 'config.json');

  const dataset =
    options.data?.dataset ??
    (await loadDataset(config.dataset, {
      onLog: log,
      onProgress: (done, total) => progress({ stage: 'generate', done, total }),
    }));
  const transform = studentTransform(config);
  const test =
    options.data?.test ??
    (await prepareSplit(dataset.test, transform, (done, total) =>
      progress({ stage: 'prepare', done, total }),
    ));
  const model = createStudent(config, dataset.classNames.length, configPath);
  log(
    `${config.name ?? 'run'}: ${model.describe()} on ${dataset.description}: ${dataset.train.length} train / ${test.images.length} test images`,
  );

  const o = config.optim;
  const optimizer = new MomentumSgd(o.lr, o.momentum ?? 0.9);
  let distill: Distillation | undefined;
  try {
    distill = config.distill
      ? await createDistillation({
          config: config.distill,
          student: model,
          transform,
          sample: dataset.train[0]!,
          classNames: dataset.classNames,
          ...(options.lossStack ? { lossStack: options.lossStack } : {}),
        })
      : undefined;
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    throw e;
  }
  const wantThread = config.distill?.teacherThread ?? 'auto';
  // Compiled, the teacher is worth a thread on tensorflow too; op by op, where the backend
  // computes on one thread (wasm, cpu) and a second core is there.
  const useThread =
    distill !== undefined &&
    replicas === 1 &&
    (wantThread === true ||
      (wantThread === 'auto' &&
        (distill.teacherTrunk !== undefined ||
          (tf.getBackend() !== 'tensorflow' && availableParallelism() >= 2))));
  if (distill?.teacherTrunk)
    log(
      'teacher: backbone and RPN head compiled into native TensorFlow graphs (distill.compileTeacher)',
    );
  const ckptDir = join(runDir, 'checkpoints');
  const metricsPath = join(runDir, 'metrics.jsonl');
  const seed = o.seed ?? 0;
  let step = 0;
  let rng: Rng = createRng(seed);
  try {
    const resumed = await resumeCheckpoint(ckptDir, {
      model,
      optimizer,
      pairing: distill?.pairing,
    });
    if (resumed) {
      step = resumed.step;
      rng = createRng(resumed.rngState);
      log(`resuming from ${resumed.checkpoint} at step ${step}`);
      // Checkpoints from before kd recorded it were written by one thread or replicas alike.
      const before = (resumed.extra as { dataParallel?: unknown } | null)?.dataParallel;
      if (typeof before === 'number' && before !== replicas)
        log(
          `note: its steps so far ran with ${before} data-parallel replica(s), these run with ${replicas}: from step ${step + 1} on the numbers differ from an uninterrupted run`,
        );
    } else if (config.model.init !== undefined) {
      // A resumed fine-tune takes its own checkpoint above: the init applies to step 0 only.
      const r = await initFromCheckpoint(model, config.model.init);
      log(
        `initialised from ${r.checkpoint} (its step ${r.step}): ${r.loaded} parameters; fresh optimiser, step 0`,
      );
    } else if (model.config.backbone.pretrained !== undefined) {
      const r = await loadPretrainedBackbone(model);
      log(
        `ImageNet initialisation from ${r.source}: ${r.loaded.length} backbone parameters up to ${r.cut} (stride ${r.stride}); ${r.random.length} head parameters random`,
      );
    }
    // Steps logged after the checkpoint (by a run that then crashed) will be redone: drop them.
    const trimmed = trimMetrics(metricsPath, step);
    if (trimmed.torn)
      log(
        `${metricsPath}: dropped a torn last line (a write cut short); step ${step + 1} on are redone`,
      );
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    distill?.dispose();
    throw e;
  }

  let parallel: DataParallel | undefined;
  if (replicas > 1) {
    try {
      parallel = await DataParallel.start({
        replicas,
        config,
        classNames: dataset.classNames,
        sample: dataset.train[0]!,
        transform,
        student: model,
        distillation: distill,
      });
    } catch (e) {
      model.dispose();
      optimizer.dispose();
      distill?.dispose();
      throw e;
    }
    log(
      `data parallel: ${replicas} replicas (this thread and ${replicas - 1} worker thread${replicas > 2 ? 's' : ''} on the ${tf.getBackend()} backend), batch ${o.batchSize} split ${replicaSizes(o.batchSize, replicas).join(' + ')}`,
    );
  }

  let trunk: StudentTrunk;
  try {
    trunk = studentTrunk(
      config.model.compileTrunk ?? 'auto',
      model,
      { samples: dataset.train, transform, batchSize: o.batchSize },
      distill?.studentLayer ? [distill.studentLayer] : [],
    );
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    distill?.dispose();
    await parallel?.close();
    throw e;
  }
  if (trunk.note) log(trunk.note);

  let teacherThread: TeacherThread | undefined;
  if (useThread && distill) {
    try {
      teacherThread = await TeacherThread.start(
        distill.teacher,
        distill.teacherLayer ? [distill.teacherLayer] : [],
        { compile: distill.teacherTrunk !== undefined },
      );
    } catch (e) {
      model.dispose();
      optimizer.dispose();
      distill.dispose();
      trunk.compiled?.dispose();
      throw e;
    }
    log(
      `teacher: its ${distill.teacherTrunk ? 'compiled ' : ''}trunk runs on a worker thread, one step ahead of the student (distill.teacherThread)`,
    );
  }

  let proposalThread: ProposalThread | undefined;
  if (config.model.proposalThread === true) {
    try {
      proposalThread = await ProposalThread.start();
    } catch (e) {
      model.dispose();
      optimizer.dispose();
      distill?.dispose();
      trunk.compiled?.dispose();
      await teacherThread?.close();
      throw e;
    }
    log('proposals: half of each batch on a worker thread, beside the step (model.proposalThread)');
  }

  const schedule = scheduleOf(o);
  const checkpoint = async () => {
    const name = `ckpt-${String(step).padStart(6, '0')}`;
    const path = join(ckptDir, name);
    await saveCheckpoint(model, path, {
      step,
      rngState: rng.state(),
      optimizer,
      extra: { config, classNames: dataset.classNames, ...transform, dataParallel: replicas },
      ...(distill?.pairing
        ? { extraWeights: Object.fromEntries(distill.pairing.variables().map((v) => [v.name, v])) }
        : {}),
    });
    markLatest(ckptDir, name);
    pruneCheckpoints(ckptDir, 2);
    options.onCheckpoint?.({ step, path });
  };

  const startStep = step;
  const every = o.checkpointEvery ?? Math.max(1, Math.ceil(o.steps / 4));
  const batches = trainingBatches({
    samples: dataset.train,
    from: step,
    to: o.steps,
    plan: stepPlanner(dataset.train.length, o.batchSize, seed, o.flip ?? true),
    transform,
    ...(distill?.teacherTransform ? { teacherTransform: distill.teacherTransform } : {}),
    ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
    ...(options.loaderWorkers !== undefined ? { workers: options.loaderWorkers } : {}),
  });
  const steps: AsyncGenerator<PreparedStep | StepWithTeacher> = teacherThread
    ? teacherAhead(batches, teacherThread)
    : batches;
  let interrupted = false;
  try {
    progress({ stage: 'train', done: step, total: o.steps });
    for await (const item of steps) {
      const prepared = 'prepared' in item ? item.prepared : item;
      // A step's time counts waiting for its teacher outputs (the teacher's work), not for its
      // images (the loader's).
      const w0 = Date.now();
      const ahead = 'trunk' in item ? await item.trunk : undefined;
      const waited = Date.now() - w0;
      const collect = teacherThread?.collect ?? [];
      // Replicas pad their own slices; the one-thread step pads the batch before its clock starts.
      const batch = parallel ? undefined : makeBatch(prepared.student);
      const teacherBatch =
        !parallel && !ahead && prepared.teacher ? makeBatch(prepared.teacher) : undefined;
      optimizer.setLearningRate(learningRateAt(schedule, step));
      const t0 = Date.now();
      const apply = {
        optimizer,
        weightDecay: o.weightDecay ?? 1e-4,
        ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
      };
      let r: DistillStepResult;
      if (!batch) r = await parallel!.step(prepared, { ...apply, rng, step });
      else {
        try {
          r = distillStep(model, batch, distill, {
            ...apply,
            rng,
            step,
            ...(teacherBatch ? { teacherImages: teacherBatch.images } : {}),
            ...(ahead ? { teacherTrunk: () => trunkTensors(ahead, collect) } : {}),
            ...(trunk.compiled ? { trainingTrunk: trunk.compiled.run } : {}),
            ...(proposalThread ? { proposals: proposalThread.run } : {}),
          });
        } finally {
          batch.images.dispose();
          teacherBatch?.images.dispose();
        }
      }
      step++;
      const record: StepRecord = {
        step,
        lr: learningRateAt(schedule, step - 1),
        loss: r.total,
        losses: r.losses,
        gradNorm: r.gradNorm,
        ms: Date.now() - t0 + waited,
      };
      appendFileSync(
        metricsPath,
        `${JSON.stringify({ step, lr: record.lr, loss: r.total, ...r.losses, gradNorm: r.gradNorm, ms: record.ms })}\n`,
      );
      options.onStep?.(record);
      progress({ stage: 'train', done: step, total: o.steps, info: { loss: r.total.toFixed(3) } });
      await yieldToEventLoop();
      interrupted = options.signal?.aborted ?? false;
      const stopping =
        interrupted ||
        (options.stopAfterSteps !== undefined && step - startStep >= options.stopAfterSteps);
      if (step % every === 0 || step === o.steps || stopping) await checkpoint();
      if (o.evalEvery && step % o.evalEvery === 0 && step < o.steps) {
        const { scores } = await evaluateDetector(
          model,
          test.samples,
          test.images,
          dataset.classNames,
        );
        appendFileSync(metricsPath, `${JSON.stringify({ step, eval: scores })}\n`);
        options.onEvaluate?.({ step, scores });
      }
      if (interrupted) {
        log(
          `interrupted: checkpoint at step ${step} written; run the same command again to resume`,
        );
      }
      if (stopping) break;
    }
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    distill?.dispose();
    throw e;
  } finally {
    await steps.return(undefined);
    await batches.return(undefined);
    await parallel?.close();
    await teacherThread?.close();
    await proposalThread?.dispose();
    trunk.compiled?.dispose();
  }
  const completed = step >= o.steps;
  let scores: DetectorScores | undefined;
  if (completed) {
    const evaluated = await evaluateDetector(
      model,
      test.samples,
      test.images,
      dataset.classNames,
      8,
      (done, total) => progress({ stage: 'evaluate', done, total }),
    );
    scores = evaluated.scores;
    appendFileSync(metricsPath, `${JSON.stringify({ step, eval: scores })}\n`);
    options.onEvaluate?.({ step, scores });
    writeFileSync(join(runDir, 'scores.json'), `${JSON.stringify(scores, null, 2)}\n`);
  }
  distill?.dispose();
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
