import { Worker } from 'node:worker_threads';
import * as E from 'fp-ts/lib/Either.js';
import type { Sample } from '../core/sample.js';
import type { PreparedImage, TransformOptions } from './prepareSample.js';

type Reply = { job: number; result?: PreparedImage; error?: string };

/** A fixed pool of worker threads running `prepareSample`; results come back transferred, not copied. */
export class PreparePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, (r: E.Either<string, PreparedImage>) => void>();
  private nextJob = 0;
  private turn = 0;

  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 1))
      throw new RangeError(`worker count ${size}; expected a positive integer`);
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./prepareWorker.js', import.meta.url));
      w.on('message', (m: Reply) => {
        const done = this.pending.get(m.job);
        this.pending.delete(m.job);
        done?.(m.error !== undefined ? E.left(m.error) : E.right(m.result!));
      });
      w.on('error', (e) => {
        for (const [, done] of this.pending) done(E.left(`worker failed: ${e.message}`));
        this.pending.clear();
      });
      return w;
    });
  }

  /** Prepares one sample on the next worker (round robin). */
  run(
    sample: Sample,
    options: TransformOptions,
    flip: boolean,
  ): Promise<E.Either<string, PreparedImage>> {
    const job = this.nextJob++;
    const w = this.workers[this.turn++ % this.workers.length]!;
    return new Promise((resolve) => {
      this.pending.set(job, resolve);
      w.postMessage({ job, sample, options, flip });
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
