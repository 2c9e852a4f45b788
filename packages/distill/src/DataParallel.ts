import { Worker } from 'node:worker_threads';
import type { PreparedImage, Sample, TransformOptions } from '@kd/data-voc-coco-kitti';
import {
  type ApplyGradientsOptions,
  applyGradients,
  type FasterRcnn,
  packTensors,
  unpackTensors,
} from '@kd/faster-rcnn';
import { type BackendName, createRng, type Rng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Distillation } from './createDistillation.js';
import { distillGradients, distillVariables } from './distillGradients.js';
import type { DistillStepResult } from './distillStep.js';
import type {
  GradientReply,
  GradientRequest,
  GradientWorkerData,
  WorkerReply,
} from './internal/gradientMessages.js';
import { replicaSizes, sliceBy } from './internal/replicaSizes.js';
import { layoutOf, packGradients, replicaState } from './internal/replicaState.js';
import type { RunConfig } from './runConfig.js';
import { makeBatch } from './toDetectionBatch.js';

export interface DataParallelOptions {
  /** Replicas, the main thread included (≥ 2: one replica is the plain step). */
  readonly replicas: number;
  /** The run's config: each worker builds its student (and teacher) from it. */
  readonly config: RunConfig;
  readonly classNames: readonly string[];
  /** A training sample (the hint pairing's shapes are fixed from it). */
  readonly sample: Sample;
  readonly transform: TransformOptions;
  /** The main thread's student and distillation set-up: replica 0, and the weights replicas use. */
  readonly student: FasterRcnn;
  readonly distillation: Distillation | undefined;
}

/** One training step's images, as `trainingBatches` prepares them. */
export interface ReplicatedBatch {
  readonly student: readonly PreparedImage[];
  readonly teacher: readonly PreparedImage[] | undefined;
}

export interface DataParallelStepOptions extends ApplyGradientsOptions {
  /** The run's sampling generator: one seed per replica is drawn from it each step. */
  readonly rng: Rng;
  /** The training step (0-based): the objective's weight schedules are read at it. */
  readonly step: number;
}

/** What refuses data parallelism, as one message, or `undefined` when it can run. */
export function dataParallelProblem(o: {
  readonly replicas: number;
  readonly batchSize: number;
  readonly backend: string;
  readonly customLossStack: boolean;
  /** The run config's `distill.teacherThread`: `true` asks for one replica. */
  readonly teacherThread?: boolean | 'auto' | undefined;
  /** The run config's `model.proposalThread`: `true` asks for one replica. */
  readonly proposalThread?: boolean | undefined;
}): string | undefined {
  if (!(Number.isInteger(o.replicas) && o.replicas >= 1))
    return `dataParallel ${o.replicas}: expected a positive integer (replicas, 1 = no workers)`;
  if (o.replicas === 1) return undefined;
  if (o.replicas > o.batchSize)
    return `dataParallel ${o.replicas} exceeds optim.batchSize ${o.batchSize}: each replica needs at least one image`;
  if (o.customLossStack)
    return 'dataParallel: a custom lossStack cannot be used (functions cannot be sent to worker threads); use the objective of the config (distill.objective, distill.ablation)';
  if (o.backend !== 'wasm' && o.backend !== 'cpu')
    return `dataParallel: the '${o.backend}' backend is not supported (${o.backend === 'tensorflow' ? 'native TensorFlow already computes each op on every core; two replicas measured 0.61–0.87× there, docs/native-backend.md' : 'only the single-threaded wasm and cpu backends are'}); train without it (dataParallel 1, the default) or on wasm (KD_BACKEND=wasm)`;
  if (o.teacherThread === true)
    return `distill.teacherThread: true cannot run with ${o.replicas} data-parallel replicas (each replica computes its own teacher); use one or the other`;
  if (o.proposalThread === true)
    return `model.proposalThread: true cannot run with ${o.replicas} data-parallel replicas (each replica computes its own proposals); use one or the other`;
  return undefined;
}

/**
 * PyTorch-DDP-style data parallelism for backends that compute on one thread (wasm, cpu): each
 * step the batch is split over `replicas` (see `replicaSizes`), the main thread computes the
 * gradients of its slice's mean losses while `replicas − 1` worker threads compute theirs from the
 * current weights, the gradients are averaged in replica order, and the caller's one optimiser
 * applies them. Each replica samples anchors and RoIs from its own seed, drawn from the run's
 * `rng` (so a resumed run draws the same). Not bit-identical to a one-replica step (other sampling
 * streams, per-slice normalisers), as changing the GPU count changes a detectron2 run.
 * `close()` terminates the workers.
 */
export class DataParallel {
  private constructor(
    private readonly o: DataParallelOptions,
    private readonly workers: readonly Worker[],
  ) {}

  /** Starts `replicas − 1` workers and waits until each has built its models. */
  static async start(o: DataParallelOptions): Promise<DataParallel> {
    const problem = dataParallelProblem({
      replicas: o.replicas,
      batchSize: Number.POSITIVE_INFINITY,
      backend: tf.getBackend(),
      customLossStack: false,
    });
    if (problem) throw new Error(problem);
    if (o.replicas < 2)
      throw new Error('DataParallel: 1 replica is the plain step, it needs no workers');
    const base = {
      backend: tf.getBackend() as BackendName,
      config: o.config,
      classNames: o.classNames,
      sample: o.sample,
      transform: o.transform,
      stateLayout: layoutOf(
        o.student,
        replicaState(o.student, o.distillation).map(([, v]) => v),
      ),
      gradientLayout: layoutOf(o.student, distillVariables(o.student, o.distillation)),
    };
    const workers = Array.from(
      { length: o.replicas - 1 },
      (_, i) =>
        new Worker(new URL('./gradientWorker.js', import.meta.url), {
          workerData: { ...base, replica: i + 1 } satisfies GradientWorkerData,
        }),
    );
    const dp = new DataParallel(o, workers);
    try {
      await Promise.all(workers.map((w, i) => reply(w, i + 1, 'ready')));
    } catch (e) {
      await dp.close();
      throw e;
    }
    return dp;
  }

  /**
   * One data-parallel step: gradients of each replica's slice, averaged in replica order, applied
   * with `o.optimizer` to the main thread's student and adaptation weights. The logged losses are
   * the replicas' averages; `gradNorm` is the averaged gradient's (after weight decay).
   */
  async step(batch: ReplicatedBatch, o: DataParallelStepOptions): Promise<DistillStepResult> {
    const { student, distillation } = this.o;
    const sizes = replicaSizes(batch.student.length, this.o.replicas);
    const seeds = sizes.map(() => Math.floor(o.rng.next() * 2 ** 32));
    const studentSlices = sliceBy(batch.student, sizes);
    const teacherSlices = batch.teacher ? sliceBy(batch.teacher, sizes) : undefined;
    const state = packTensors(replicaState(student, distillation).map(([, v]) => v));
    // Workers compute while this thread computes its own slice; their replies wait in the queue.
    const pending = this.workers.map((w, i) => {
      const r = i + 1;
      // Each worker takes ownership of its copy of the weights (the last one takes the original).
      const own = r === this.workers.length ? state : state.slice();
      const request: GradientRequest = {
        step: o.step,
        seed: seeds[r]!,
        state: own,
        student: studentSlices[r]!,
        teacher: teacherSlices?.[r],
      };
      const answer = reply(w, r, 'gradients');
      w.postMessage(request, [own.buffer as ArrayBuffer]);
      return answer;
    });
    // No rejection may go unhandled while replica 0 computes; they are awaited below.
    for (const p of pending) p.catch(() => undefined);
    const own = this.ownGradients(studentSlices[0]!, teacherSlices?.[0], seeds[0]!, o.step);
    const replies = [own, ...(await Promise.all(pending))];
    return this.apply(replies, o);
  }

  /** Terminates the workers (idempotent). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private ownGradients(
    studentImages: readonly PreparedImage[],
    teacherImages: readonly PreparedImage[] | undefined,
    seed: number,
    step: number,
  ): GradientReply {
    const { student, distillation } = this.o;
    const batch = makeBatch(studentImages);
    const teacher = teacherImages ? makeBatch(teacherImages) : undefined;
    try {
      const g = distillGradients(student, batch, distillation, {
        rng: createRng(seed),
        step,
        ...(teacher ? { teacherImages: teacher.images } : {}),
      });
      try {
        const packed = packGradients(distillVariables(student, distillation), g.grads);
        return { kind: 'gradients', ...packed, total: g.total, losses: g.losses };
      } finally {
        tf.dispose(Object.values(g.grads));
      }
    } finally {
      batch.images.dispose();
      teacher?.images.dispose();
    }
  }

  private apply(replies: readonly GradientReply[], o: DataParallelStepOptions): DistillStepResult {
    const n = replies.length;
    // Replica order, whatever order the replies came in: the run is deterministic.
    const sum = new Float32Array(replies[0]!.grads);
    for (const r of replies.slice(1)) {
      if (r.grads.length !== sum.length)
        throw new Error(
          `data-parallel: a replica sent ${r.grads.length} gradient floats, replica 0 has ${sum.length}`,
        );
      for (let i = 0; i < sum.length; i++) sum[i]! += r.grads[i]!;
    }
    for (let i = 0; i < sum.length; i++) sum[i]! /= n;
    const vars = distillVariables(this.o.student, this.o.distillation);
    const tensors = unpackTensors(
      sum,
      vars.map((v) => v.shape),
    );
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      if (replies.some((r) => r.present[i])) grads[v.name] = tensors[i]!;
    });
    try {
      const gradNorm = applyGradients(vars, grads, o);
      const mean = (f: (r: GradientReply) => number) => replies.reduce((a, r) => a + f(r), 0) / n;
      const losses: Record<string, number> = {};
      for (const k of Object.keys(replies[0]!.losses)) losses[k] = mean((r) => r.losses[k] ?? 0);
      return { total: mean((r) => r.total), losses, gradNorm };
    } finally {
      tf.dispose(tensors);
    }
  }
}

/** The next message of worker `replica`, which must be of `kind`; its errors and exit reject. */
function reply<K extends 'ready' | 'gradients'>(
  w: Worker,
  replica: number,
  kind: K,
): Promise<Extract<WorkerReply, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (m: WorkerReply) => {
      done();
      if (m.kind === kind) resolve(m as Extract<WorkerReply, { kind: K }>);
      else
        reject(
          new Error(
            `data-parallel replica ${replica}: ${m.kind === 'error' ? m.message : `sent '${m.kind}', expected '${kind}'`}`,
          ),
        );
    };
    const onError = (e: Error) => {
      done();
      reject(new Error(`data-parallel replica ${replica} failed: ${e.message}`));
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`data-parallel replica ${replica} exited (code ${code}) before replying`));
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
}
