// A teacher worker (a `worker_threads` entry, started by `TeacherThread`): rebuilds the frozen
// teacher from the weights it was sent, compiles its trunk, and answers each request with the
// trunk's outputs on one step's teacher images, in the order the requests came.
import { parentPort, workerData } from 'node:worker_threads';
import { compileTrunk, FasterRcnn, unpackTensors } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type {
  HostTensor,
  TeacherReply,
  TeacherRequest,
  TeacherWorkerData,
} from './internal/teacherMessages.js';
import { makeBatch } from './toDetectionBatch.js';

const port = parentPort;
if (!port) throw new Error('teacherThreadWorker: start it as a worker thread (TeacherThread does)');
const data = workerData as TeacherWorkerData;
const send = (m: TeacherReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function setUp(): Promise<(r: TeacherRequest) => void> {
  await initBackend({ backend: 'tensorflow' });
  if (tf.getBackend() !== 'tensorflow')
    throw new Error(
      `started the '${tf.getBackend()}' backend; the compiled trunk needs tensorflow`,
    );
  const teacher = new FasterRcnn(data.config);
  const values = unpackTensors(data.weights, data.shapes);
  try {
    teacher.params.assign(Object.fromEntries(data.names.map((n, i) => [n, values[i]!])));
  } finally {
    tf.dispose(values);
  }
  const trunk = compileTrunk(teacher, data.collect);
  if (E.isLeft(trunk)) throw new Error(trunk.left);
  return ({ id, images }) => {
    const batch = makeBatch(images);
    try {
      const out = trunk.right.run(batch.images);
      const host = (t: tf.Tensor): HostTensor => {
        const h = { data: t.dataSync() as Float32Array, shape: t.shape };
        t.dispose();
        return h;
      };
      const trunkArrays = {
        featureMap: host(out.featureMap),
        features: Object.fromEntries(
          Object.entries(out.features).map(([name, t]) => [name, host(t)]),
        ),
        logits: host(out.rpn.logits),
        deltas: host(out.rpn.deltas),
      };
      const buffers = [
        trunkArrays.featureMap,
        trunkArrays.logits,
        trunkArrays.deltas,
        ...Object.values(trunkArrays.features),
      ].map((h) => h.data.buffer as ArrayBuffer);
      send({ kind: 'trunk', id, trunk: trunkArrays }, [...new Set(buffers)]);
    } finally {
      batch.images.dispose();
    }
  };
}

setUp().then(
  (compute) => {
    port.on('message', (r: TeacherRequest) => {
      try {
        compute(r);
      } catch (e) {
        send({ kind: 'error', id: r.id, message: e instanceof Error ? e.message : String(e) });
      }
    });
    send({ kind: 'ready' });
  },
  (e) => send({ kind: 'error', id: -1, message: e instanceof Error ? e.message : String(e) }),
);
