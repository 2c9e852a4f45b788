// A teacher worker (a `worker_threads` entry, started by `TeacherThread`): starts the training
// thread's backend, rebuilds the frozen teacher from the weights it was sent (its trunk compiled
// on tensorflow), and answers each request with the trunk's outputs on one step's teacher images,
// in the order the requests came.
import { parentPort, workerData } from 'node:worker_threads';
import { compileTrunk, FasterRcnn, type TrunkOutputs, unpackTensors } from '@kd/faster-rcnn';
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
  await initBackend({ backend: data.backend });
  if (tf.getBackend() !== data.backend)
    throw new Error(
      `started the '${tf.getBackend()}' backend, the training thread runs on '${data.backend}'`,
    );
  const teacher = new FasterRcnn(data.config);
  const values = unpackTensors(data.weights, data.shapes);
  try {
    teacher.params.assign(Object.fromEntries(data.names.map((n, i) => [n, values[i]!])));
  } finally {
    tf.dispose(values);
  }
  // Op by op, the trunk's intermediate tensors go with the tidy; its outputs stay.
  let run = (images: tf.Tensor4D): TrunkOutputs =>
    tf.tidy(() => {
      const t = teacher.trunk(images, data.collect);
      return { featureMap: t.featureMap, features: { ...t.features }, rpn: { ...t.rpn } };
    });
  if (data.compile) {
    const compiled = compileTrunk(teacher, data.collect);
    if (E.isLeft(compiled)) throw new Error(compiled.left);
    run = compiled.right.run;
  }
  return ({ id, images }) => {
    const batch = makeBatch(images);
    try {
      const out = run(batch.images);
      // A copy of each: a backend may hand out its own storage (cpu), which must not be
      // transferred, and a collected layer may be the feature map itself (read twice).
      const host = (t: tf.Tensor): HostTensor => ({
        data: (t.dataSync() as Float32Array).slice(),
        shape: t.shape,
      });
      const trunkArrays = {
        featureMap: host(out.featureMap),
        features: Object.fromEntries(
          Object.entries(out.features).map(([name, t]) => [name, host(t)]),
        ),
        logits: host(out.rpn.logits),
        deltas: host(out.rpn.deltas),
      };
      tf.dispose([
        ...new Set([
          out.featureMap,
          out.rpn.logits,
          out.rpn.deltas,
          ...Object.values(out.features),
        ]),
      ]);
      const buffers = [
        trunkArrays.featureMap,
        trunkArrays.logits,
        trunkArrays.deltas,
        ...Object.values(trunkArrays.features),
      ].map((h) => h.data.buffer as ArrayBuffer);
      send({ kind: 'trunk', id, trunk: trunkArrays }, buffers);
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
