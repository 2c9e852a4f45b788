// The worker of `ProposalThread`: waits on the shared state word, computes the images it is given
// and answers through the port, synchronously on both sides.
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';
import { type ProposalJob, ProposalThreadState as S } from './ProposalThread.js';
import { proposalsOnHost } from './proposalsForBatch.js';

const { state, port } = workerData as { state: Int32Array; port: MessagePort };
Atomics.store(state, 0, S.IDLE);
parentPort!.postMessage('ready');
for (;;) {
  const s = Atomics.load(state, 0);
  if (s === S.EXIT) break;
  if (s !== S.WORK) {
    Atomics.wait(state, 0, s);
    continue;
  }
  const job = receiveMessageOnPort(port)?.message as ProposalJob | undefined;
  try {
    if (job === undefined) throw new Error('no job on the port');
    const boxes = proposalsOnHost(job.rpn, job.from, job.rpn.metas.length);
    port.postMessage({ boxes }, [...new Set(boxes.map((b) => b.buffer as ArrayBuffer))]);
    Atomics.store(state, 0, S.DONE);
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
    Atomics.store(state, 0, S.FAILED);
  }
  Atomics.notify(state, 0);
}
port.close();
