import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import { type HostProposals, proposalsOnHost, type RpnOnHost } from './proposalsForBatch.js';

/** The shared state word's values (`Int32Array` of one element, `Atomics` on both threads). */
export const ProposalThreadState = {
  IDLE: 0,
  WORK: 1,
  DONE: 2,
  FAILED: 3,
  EXIT: 4,
  STARTING: 5,
} as const;

const S = ProposalThreadState;
/** A worker that has not answered in this long is taken for dead (its images are done here). */
const ANSWER_TIMEOUT_MS = 30_000;

/** The job the worker gets: images `from` to the end of `rpn`. */
export interface ProposalJob {
  readonly rpn: RpnOnHost;
  readonly from: number;
}

/**
 * A worker thread that computes the proposals of the second half of each batch while the calling
 * thread computes the first half's, for a training step that is synchronous: the hand-off waits
 * with `Atomics.wait` and the data go through a `MessagePort` read with `receiveMessageOnPort`.
 * The proposals are {@link proposalsOnHost}'s, bit for bit (the same code on the same inputs).
 * Pass `run` as the `proposals` option of `forwardTrain` / `computeGradients` / `trainStep`.
 *
 * Worth it only where a core is free during the step's host work: a step timed alone on 2 cores
 * got 1.08–1.14× faster, but `kd train` there, whose loader thread (and a distillation's teacher
 * thread) already uses the second core, got slower, so `model.proposalThread` is opt-in. When the
 * worker fails or does not answer, `run` computes every image itself from then on and `failure`
 * says why.
 */
export class ProposalThread {
  private broken: string | undefined;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly state: Int32Array,
    private readonly port: MessagePort,
  ) {
    worker.on('error', (e) => {
      this.broken ??= `the proposal worker failed: ${e.message}`;
    });
    worker.unref();
  }

  /** Starts the worker; resolves once it waits for work. */
  static async start(): Promise<ProposalThread> {
    const state = new Int32Array(new SharedArrayBuffer(4));
    state[0] = S.STARTING;
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./proposalThreadWorker.js', import.meta.url), {
      workerData: { state, port: port2 },
      transferList: [port2],
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    worker.removeAllListeners('error');
    return new ProposalThread(worker, state, port1);
  }

  /** Why `run` no longer shares the work, if it does not. */
  get failure(): string | undefined {
    return this.broken;
  }

  readonly run: HostProposals = (rpn) => {
    const n = rpn.metas.length;
    if (this.closed) throw new Error('ProposalThread: run after dispose');
    if (this.broken !== undefined || n < 2) return proposalsOnHost(rpn);
    const from = Math.ceil(n / 2);
    const job: ProposalJob = { rpn, from };
    try {
      this.port.postMessage(job);
    } catch (e) {
      this.broken = `the proposals could not be handed to the worker: ${(e as Error).message}`;
      return proposalsOnHost(rpn);
    }
    Atomics.store(this.state, 0, S.WORK);
    Atomics.notify(this.state, 0);
    let mine: Float32Array[];
    try {
      mine = proposalsOnHost(rpn, 0, from);
    } catch (e) {
      // Take the worker's answer off the port, so that the next call does not read it as its own.
      Atomics.wait(this.state, 0, S.WORK, ANSWER_TIMEOUT_MS);
      if (receiveMessageOnPort(this.port) === undefined)
        this.broken ??= 'the proposal worker did not answer';
      Atomics.store(this.state, 0, S.IDLE);
      throw e;
    }
    const waited = Atomics.wait(this.state, 0, S.WORK, ANSWER_TIMEOUT_MS);
    const answer = receiveMessageOnPort(this.port)?.message as
      | { boxes: Float32Array[] }
      | { error: string }
      | undefined;
    if (waited === 'timed-out' || answer === undefined || 'error' in answer) {
      this.broken =
        answer !== undefined && 'error' in answer
          ? `the proposal worker failed: ${answer.error}`
          : `the proposal worker did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`;
      return [...mine, ...proposalsOnHost(rpn, from, n)];
    }
    Atomics.store(this.state, 0, S.IDLE);
    return [...mine, ...answer.boxes];
  };

  /** Ends the worker. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.state, 0, S.EXIT);
    Atomics.notify(this.state, 0);
    this.port.close();
    await this.worker.terminate();
  }
}
