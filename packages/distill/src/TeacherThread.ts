import { Worker } from 'node:worker_threads';
import type { PreparedImage } from '@kd/data-voc-coco-kitti';
import { type FasterRcnn, packTensors, type TrunkOutputs } from '@kd/faster-rcnn';
import type { BackendName } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type {
  HostTensor,
  TeacherReply,
  TeacherRequest,
  TeacherWorkerData,
  TrunkArrays,
} from './internal/teacherMessages.js';

export type { TrunkArrays } from './internal/teacherMessages.js';

/** The trunk outputs a worker sent, as tensors (the caller, or its `tf.tidy`, owns them). */
export function trunkTensors(a: TrunkArrays, collect: readonly string[]): TrunkOutputs {
  // Checked before any tensor is made: a refusal leaves nothing behind.
  const missing = collect.find((name) => a.features[name] === undefined);
  if (missing !== undefined)
    throw new Error(`teacher thread: no '${missing}' in the trunk it sent`);
  const t = <R extends tf.Rank>(h: HostTensor): tf.Tensor<R> =>
    tf.tensor<tf.Rank>(h.data, [...h.shape]) as tf.Tensor<R>;
  return {
    featureMap: t<tf.Rank.R4>(a.featureMap),
    features: Object.fromEntries(collect.map((name) => [name, t<tf.Rank.R4>(a.features[name]!)])),
    rpn: { logits: t<tf.Rank.R3>(a.logits), deltas: t<tf.Rank.R3>(a.deltas) },
  };
}

/**
 * A frozen teacher's trunk (backbone and RPN head) on a worker thread of its own, so that it
 * computes the next step's teacher outputs while this thread trains the student on the current
 * one: two cores busy where one training step keeps one (wasm, cpu) or ~1.3–1.5 (tensorflow) busy.
 * The worker starts this thread's backend and gets a copy of the teacher's weights at `start`; on
 * `tensorflow` it runs the trunk as compiled graphs (`compile`, as `compileTrunk`), elsewhere op
 * by op (`model.trunk`). Its outputs equal the same computation on this thread bit for bit (same
 * kernels; on tensorflow the same graphs and the process-wide thread pool). Compiled, that is what
 * the step computes, so a run with the thread has the numbers of one without; op by op the step's
 * trunk runs inside the gradient tape, where tfjs does not fuse bias and activation into a
 * convolution, so those runs agree up to float32 rounding (each deterministic, and resumable).
 * The teacher's backbone must be one kd registers itself (a worker does not see registrations
 * made in this thread). `close()` terminates the worker.
 */
export class TeacherThread {
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (a: TrunkArrays) => void; reject: (e: Error) => void }
  >();
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    /** The backbone layers each result carries (the hint's teacher layer). */
    readonly collect: readonly string[],
  ) {
    worker.on('message', (m: TeacherReply) => {
      if (m.kind === 'ready') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.kind === 'trunk') p.resolve(m.trunk);
      else p.reject(new Error(`teacher thread: ${m.message}`));
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      worker.unref();
    };
    worker.on('error', (e) => fail(new Error(`teacher thread failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`teacher thread exited (code ${code})`)));
  }

  /**
   * Starts a worker on this thread's backend with a copy of `teacher`'s weights and waits until it
   * has built the model. `compile` (default: on the tensorflow backend) runs the trunk as
   * compiled graphs, one per input shape, compiled on first use; it needs tensorflow.
   */
  static async start(
    teacher: FasterRcnn,
    collect: readonly string[] = [],
    options: { readonly compile?: boolean } = {},
  ): Promise<TeacherThread> {
    const backend = tf.getBackend() as BackendName;
    const compile = options.compile ?? backend === 'tensorflow';
    if (compile && backend !== 'tensorflow')
      throw new Error(
        `TeacherThread: a compiled trunk needs the native tensorflow backend; the backend is '${backend}'`,
      );
    const entries = teacher.params.entries();
    const workerData: TeacherWorkerData = {
      backend,
      compile,
      config: teacher.config,
      names: entries.map(([n]) => n),
      shapes: entries.map(([, v]) => v.shape),
      weights: packTensors(entries.map(([, v]) => v)),
      collect,
    };
    const worker = new Worker(new URL('./teacherThreadWorker.js', import.meta.url), {
      workerData,
      transferList: [workerData.weights.buffer as ArrayBuffer],
    });
    const thread = new TeacherThread(worker, collect);
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (m: TeacherReply) => {
          worker.off('message', onMessage);
          if (m.kind === 'ready') resolve();
          else reject(new Error(`teacher thread: ${m.kind === 'error' ? m.message : m.kind}`));
        };
        worker.on('message', onMessage);
        worker.once('error', (e) => reject(new Error(`teacher thread failed: ${e.message}`)));
        worker.once('exit', (code) =>
          reject(new Error(`teacher thread exited (code ${code}) before it was ready`)),
        );
      });
    } catch (e) {
      await thread.close();
      throw e;
    }
    // Only a request under way keeps the process alive: a thread left open does not hang it.
    worker.unref();
    return thread;
  }

  /**
   * Starts the trunk on one step's teacher images (padded into a batch as `makeBatch` does) and
   * resolves with its outputs as host arrays; requests are answered in order. Rejects with the
   * worker's error, or when the worker has stopped. While a request is under way the worker keeps
   * the process alive; an idle one does not.
   *
   * `transfer` hands the images' pixel buffers to the worker instead of copying them: they are
   * detached here (empty) once this returns. Copying a batch means fresh memory on every step
   * (6.3 MB for 8 images of 256 px), which took ~10 ms of the training thread's time in the
   * demo's distillation; pass it when nothing else reads the images (a teacher's own resolution).
   */
  run(
    images: readonly PreparedImage[],
    { transfer = false }: { readonly transfer?: boolean } = {},
  ): Promise<TrunkArrays> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    const result = new Promise<TrunkArrays>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
    this.worker.ref();
    const request: TeacherRequest = { id, images };
    // A buffer listed twice (views of one buffer) cannot be transferred: each once.
    const buffers = transfer
      ? [...new Set(images.map((im) => im.image.data.buffer as ArrayBuffer))]
      : [];
    this.worker.postMessage(request, buffers);
    return result;
  }

  /** Terminates the worker (idempotent); pending results reject. */
  async close(): Promise<void> {
    this.failure ??= new Error('teacher thread: closed');
    await this.worker.terminate();
  }
}
