// A data-parallel gradient worker (a `worker_threads` entry, started by `DataParallel`): a stateless
// gradient computer. It builds the run's student (and, for distillation, the same teacher and
// adaptation layer) once; each request brings the current weights, a slice of the batch and a
// sampling seed, and it answers with the packed gradients of that slice's mean losses.
import { parentPort, workerData } from 'node:worker_threads';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDistillation, type Distillation } from './createDistillation.js';
import { distillGradients, distillVariables } from './distillGradients.js';
import { createStudent } from './internal/createStudent.js';
import type {
  GradientRequest,
  GradientWorkerData,
  WorkerReply,
} from './internal/gradientMessages.js';
import { assignState, layoutOf, packGradients, replicaState } from './internal/replicaState.js';
import { makeBatch } from './toDetectionBatch.js';

const port = parentPort;
if (!port) throw new Error('gradientWorker: start it as a worker thread (DataParallel does)');
const data = workerData as GradientWorkerData;
const send = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const fail = (e: unknown) =>
  send({ kind: 'error', message: e instanceof Error ? e.message : String(e) });

const sameLayout = (what: string, ours: readonly string[], theirs: readonly string[]) => {
  const i = ours.findIndex((o, k) => o !== theirs[k]);
  if (i >= 0 || ours.length !== theirs.length)
    throw new Error(
      `replica ${data.replica} built ${ours.length} ${what}, the main thread ${theirs.length}; first difference at ${i}: ${ours[i]} vs ${theirs[i]}`,
    );
};

async function setUp(): Promise<(r: GradientRequest) => void> {
  try {
    await initBackend({ backend: data.backend });
  } catch (e) {
    throw new Error(
      `could not start the '${data.backend}' backend the main thread trains on: ${e instanceof Error ? e.message : e}`,
    );
  }
  if (tf.getBackend() !== data.backend)
    throw new Error(
      `started the '${tf.getBackend()}' backend, the main thread trains on '${data.backend}'`,
    );
  const student = createStudent(data.config, data.classNames.length, 'data-parallel worker');
  const distillation: Distillation | undefined = data.config.distill
    ? await createDistillation({
        config: data.config.distill,
        student,
        transform: data.transform,
        sample: data.sample,
        classNames: data.classNames,
      })
    : undefined;
  const state = replicaState(student, distillation);
  const vars = distillVariables(student, distillation);
  sameLayout(
    'variables',
    layoutOf(
      student,
      state.map(([, v]) => v),
    ),
    data.stateLayout,
  );
  sameLayout('trainable variables', layoutOf(student, vars), data.gradientLayout);
  return (r) => {
    assignState(student, distillation, r.state);
    const batch = makeBatch(r.student);
    const teacher = r.teacher ? makeBatch(r.teacher) : undefined;
    try {
      const g = distillGradients(student, batch, distillation, {
        rng: createRng(r.seed),
        step: r.step,
        ...(teacher ? { teacherImages: teacher.images } : {}),
      });
      const packed = packGradients(vars, g.grads);
      tf.dispose(Object.values(g.grads));
      send({ kind: 'gradients', ...packed, total: g.total, losses: g.losses }, [
        packed.grads.buffer as ArrayBuffer,
      ]);
    } finally {
      batch.images.dispose();
      teacher?.images.dispose();
    }
  };
}

setUp().then(
  (compute) => {
    port.on('message', (r: GradientRequest) => {
      try {
        compute(r);
      } catch (e) {
        fail(e);
      }
    });
    send({ kind: 'ready' });
  },
  (e) => fail(e),
);
