import { sfc32 } from '@kd/random';
import * as E from 'fp-ts/lib/Either.js';
import type { Sample } from '../core/sample.js';
import { type ImageBatch, padBatch } from './padBatch.js';
import { PreparePool } from './preparePool.js';
import { type PreparedImage, prepareSample, type TransformOptions } from './prepareSample.js';
import { shuffleSeeded } from './shuffleSeeded.js';

export interface LoadBatchesOptions extends TransformOptions {
  readonly batchSize: number;
  /** Shuffle with a permutation seeded by (seed, epoch) (default false). */
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly epoch?: number;
  /** Probability of a horizontal flip per image, drawn from (seed, epoch) (default 0). */
  readonly flipProbability?: number;
  /** Batches prepared ahead of the consumer (default 2). */
  readonly prefetch?: number;
  /** Worker threads decoding and transforming (default 0: the calling thread), started and stopped per call. */
  readonly workers?: number;
  /** A pool to use instead of `workers` (kept open: reuse it across epochs, close it yourself). */
  readonly pool?: PreparePool;
  /** Drop a last incomplete batch (default false). */
  readonly dropLast?: boolean;
  /** Padding multiple of the batch's height and width (default 32). */
  readonly sizeDivisible?: number;
  /** An image that cannot be decoded: `throw` (default) or `skip` it. */
  readonly onError?: 'throw' | 'skip';
}

/** One batch: the padded images and, per image, its prepared targets. */
export interface Batch {
  readonly images: ImageBatch;
  readonly items: readonly PreparedImage[];
  /** Index of the batch within the epoch. */
  readonly index: number;
}

/**
 * Iterates an epoch of batches: seeded shuffling, seeded flips, decode + normalise + resize,
 * padding into `[B, H, W, 3]`. Up to `prefetch` batches are prepared ahead, on `workers` worker
 * threads when given, so that decoding overlaps the consumer's work. The same options give the
 * same batches, whatever the number of workers. Returns host arrays; use `toTensor` per batch
 * and dispose the tensor after the step.
 */
export async function* loadBatches(
  samples: readonly Sample[],
  o: LoadBatchesOptions,
): AsyncGenerator<Batch> {
  if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1))
    throw new RangeError(`batchSize ${o.batchSize}; expected a positive integer`);
  const seed = o.seed ?? 0;
  const epoch = o.epoch ?? 0;
  const idx = samples.map((_, i) => i);
  const order = o.shuffle ? shuffleSeeded(idx, (seed * 7919 + epoch) >>> 0) : idx;
  const flipRng = sfc32((seed * 104729 + epoch * 31 + 1) >>> 0);
  const p = o.flipProbability ?? 0;
  const flips = order.map(() => flipRng.next() < p);
  const groups: number[][] = [];
  for (let i = 0; i < order.length; i += o.batchSize) {
    const g = order.slice(i, i + o.batchSize).map((_, k) => i + k);
    if (g.length < o.batchSize && o.dropLast) break;
    groups.push(g);
  }
  const transform: TransformOptions = {
    minSize: o.minSize,
    maxSize: o.maxSize,
    ...(o.mean ? { mean: o.mean } : {}),
    ...(o.std ? { std: o.std } : {}),
    ...(o.inputScale !== undefined ? { inputScale: o.inputScale } : {}),
    ...(o.maxPixels !== undefined ? { maxPixels: o.maxPixels } : {}),
  };
  const ownPool = !o.pool && o.workers ? new PreparePool(o.workers) : undefined;
  const pool = o.pool ?? ownPool;
  const prepare = (pos: number): Promise<E.Either<string, PreparedImage>> => {
    const s = samples[order[pos]!]!;
    return pool ? pool.run(s, transform, flips[pos]!) : prepareSample(s, transform, flips[pos]!);
  };
  const makeBatch = async (g: number[], index: number): Promise<Batch | undefined> => {
    const rs = await Promise.all(g.map(prepare));
    const items: PreparedImage[] = [];
    for (const r of rs) {
      if (E.isRight(r)) items.push(r.right);
      else if (o.onError !== 'skip') throw new Error(r.left);
    }
    return items.length
      ? {
          images: padBatch(
            items.map((it) => it.image),
            o.sizeDivisible ?? 32,
          ),
          items,
          index,
        }
      : undefined;
  };
  const ahead = Math.max(1, o.prefetch ?? 2);
  const queue: Promise<Batch | undefined>[] = [];
  let next = 0;
  const enqueue = (): void => {
    const pr = makeBatch(groups[next]!, next);
    pr.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
    queue.push(pr);
    next += 1;
  };
  try {
    while (next < groups.length && queue.length < ahead) enqueue();
    while (queue.length) {
      const b = await queue.shift()!;
      if (next < groups.length) enqueue();
      if (b) yield b;
    }
  } finally {
    await ownPool?.close();
  }
}
