import {
  type PreparedImage,
  PreparePool,
  prepareSample,
  type Sample,
  shuffleSeeded,
  type TransformOptions,
} from '@kd/data-voc-coco-kitti';
import { hashBit } from '@kd/random';
import * as E from 'fp-ts/lib/Either.js';

/** Which samples a step trains on, and which of them are flipped. */
export interface StepPlan {
  readonly indices: readonly number[];
  readonly flips: readonly boolean[];
}

/**
 * The samples of every step as a pure function of (seed, step): the g-th sample drawn is position
 * `g mod n` of epoch `⌊g / n⌋`'s seeded permutation, so batches run across epoch ends and a
 * resumed run draws exactly what an uninterrupted one would.
 */
export function stepPlanner(
  n: number,
  batchSize: number,
  seed: number,
  flip: boolean,
): (step: number) => StepPlan {
  let cached: { epoch: number; perm: number[] } | undefined;
  const perm = (epoch: number): number[] => {
    if (cached?.epoch !== epoch) {
      cached = {
        epoch,
        perm: shuffleSeeded(
          Array.from({ length: n }, (_, i) => i),
          seed * 1009 + epoch,
        ),
      };
    }
    return cached.perm;
  };
  return (step) => {
    const indices: number[] = [];
    const flips: boolean[] = [];
    for (let i = 0; i < batchSize; i++) {
      const g = step * batchSize + i;
      indices.push(perm(Math.floor(g / n))[g % n]!);
      flips.push(flip && hashBit(seed, g));
    }
    return { indices, flips };
  };
}

/** The images of one step, prepared for the student and, at its own resolution, the teacher. */
export interface PreparedStep {
  readonly step: number;
  readonly student: readonly PreparedImage[];
  readonly teacher: readonly PreparedImage[] | undefined;
}

export interface TrainingBatchesOptions {
  readonly samples: readonly Sample[];
  /** First step to prepare (a resumed run's step) and the end (exclusive). */
  readonly from: number;
  readonly to: number;
  readonly plan: (step: number) => StepPlan;
  readonly transform: TransformOptions;
  readonly teacherTransform?: TransformOptions;
  /** Steps prepared ahead of the consumer (default 2): at most this many batches are in memory. */
  readonly prefetch?: number;
  /** Worker threads decoding and resizing (default 1; 0: the calling thread). */
  readonly workers?: number;
}

/**
 * Streams the training steps' images: each step's samples are decoded, flipped, normalised and
 * resized (in `@kd/data-voc-coco-kitti`'s worker pool) while earlier steps train, at most
 * `prefetch` steps ahead, so memory holds a few batches, never the split. Errors name the file.
 * Stopping the iteration (`break`, `return`) closes the workers.
 */
export async function* trainingBatches(o: TrainingBatchesOptions): AsyncGenerator<PreparedStep> {
  const workers = o.workers ?? 1;
  const pool = workers > 0 ? new PreparePool(workers) : undefined;
  const prepare = async (s: Sample, t: TransformOptions, flip: boolean): Promise<PreparedImage> => {
    const r = await (pool ? pool.run(s, t, flip) : prepareSample(s, t, flip));
    if (E.isLeft(r)) throw new Error(r.left);
    return r.right;
  };
  const prepareStep = async (step: number): Promise<PreparedStep> => {
    const { indices, flips } = o.plan(step);
    const items = indices.map((i) => o.samples[i]!);
    const [student, teacher] = await Promise.all([
      Promise.all(items.map((s, k) => prepare(s, o.transform, flips[k]!))),
      o.teacherTransform
        ? Promise.all(items.map((s, k) => prepare(s, o.teacherTransform!, flips[k]!)))
        : Promise.resolve(undefined),
    ]);
    return { step, student, teacher };
  };
  const ahead = Math.max(1, o.prefetch ?? 2);
  const queue: Promise<PreparedStep>[] = [];
  let next = o.from;
  const enqueue = () => {
    const p = prepareStep(next++);
    p.catch(() => undefined); // awaited in order below; no unhandled rejection meanwhile
    queue.push(p);
  };
  try {
    while (next < o.to && queue.length < ahead) enqueue();
    while (queue.length) {
      const prepared = await queue.shift()!;
      if (next < o.to) enqueue();
      yield prepared;
    }
  } finally {
    await pool?.close();
  }
}
