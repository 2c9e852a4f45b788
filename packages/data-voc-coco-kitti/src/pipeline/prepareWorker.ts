// Worker-thread entry: prepares samples off the main thread so decoding overlaps training.
import { parentPort } from 'node:worker_threads';
import * as E from 'fp-ts/lib/Either.js';
import type { Sample } from '../core/sample.js';
import { prepareSample, type TransformOptions } from './prepareSample.js';

interface Job {
  readonly job: number;
  readonly sample: Sample;
  readonly options: TransformOptions;
  readonly flip: boolean;
}

parentPort?.on('message', (m: Job) => {
  prepareSample(m.sample, m.options, m.flip).then(
    (r) => {
      if (E.isLeft(r)) {
        parentPort!.postMessage({ job: m.job, error: r.left });
        return;
      }
      const p = r.right;
      parentPort!.postMessage({ job: m.job, result: p }, [
        p.image.data.buffer as ArrayBuffer,
        p.boxes.buffer as ArrayBuffer,
        p.labels.buffer as ArrayBuffer,
        p.ignore.buffer as ArrayBuffer,
      ]);
    },
    (e: unknown) =>
      parentPort!.postMessage({ job: m.job, error: String((e as Error)?.message ?? e) }),
  );
});
