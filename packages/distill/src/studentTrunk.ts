import {
  fasterRcnnSize,
  paddedSide,
  type Sample,
  type TransformOptions,
} from '@kd/data-voc-coco-kitti';
import { type CompiledTrainingTrunk, compileTrainingTrunk, type FasterRcnn } from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { DETECTION_SIZE_DIVISIBLE } from './toDetectionBatch.js';

/** Batch shapes a run keeps compiled graphs for; with more, 'auto' trains op by op. */
export const COMPILED_BATCH_SHAPES = 4;

/** How `runTraining` computes the student's trunk (backbone and RPN head), and the line that says so. */
export interface StudentTrunk {
  /** The compiled trunk, `undefined` for op by op. */
  readonly compiled: CompiledTrainingTrunk | undefined;
  /** One line for the log; `undefined` when there is nothing to say (op by op off tensorflow). */
  readonly note: string | undefined;
}

const padded = (n: number): number => paddedSide(n, DETECTION_SIZE_DIVISIBLE);

/**
 * The batch shapes (height × width after the Faster R-CNN resize and padding) training batches
 * of `samples` can take: every padded height with every padded width, a batch padding to its
 * tallest and widest image.
 */
export function trainingBatchShapes(
  samples: readonly Sample[],
  transform: TransformOptions,
): number {
  const heights = new Set<number>();
  const widths = new Set<number>();
  for (const s of samples) {
    const r = fasterRcnnSize(s.height, s.width, transform.minSize, transform.maxSize);
    heights.add(padded(r.height));
    widths.add(padded(r.width));
  }
  return heights.size * widths.size;
}

/**
 * Decides `model.compileTrunk` for a run (see the run config) and, when compiling, compiles
 * the graphs for the first batch's shape (`batchSize` of the first sample's size, with the
 * `collect`ed layers) so that the first step does not pay for them.
 * @throws when `true` cannot be honoured (another backend, a trunk that cannot be compiled).
 */
export function studentTrunk(
  want: boolean | 'auto',
  model: FasterRcnn,
  data: {
    readonly samples: readonly Sample[];
    readonly transform: TransformOptions;
    readonly batchSize: number;
  },
  collect: readonly string[],
): StudentTrunk {
  if (want === false) return { compiled: undefined, note: undefined };
  if (tf.getBackend() !== 'tensorflow') {
    if (want === true)
      throw new Error(
        `model.compileTrunk: true needs the tensorflow backend (tfjs-node); the backend is '${tf.getBackend()}'`,
      );
    return { compiled: undefined, note: undefined };
  }
  const shapes = trainingBatchShapes(data.samples, data.transform);
  if (want === 'auto' && shapes > COMPILED_BATCH_SHAPES)
    return {
      compiled: undefined,
      note: `trunk: op by op (the training images come in ${shapes} batch shapes, more than the ${COMPILED_BATCH_SHAPES} model.compileTrunk: 'auto' compiles)`,
    };
  const first = data.samples[0];
  if (first === undefined) throw new Error('model.compileTrunk: no training images');
  const size = fasterRcnnSize(
    first.height,
    first.width,
    data.transform.minSize,
    data.transform.maxSize,
  );
  const made = compileTrainingTrunk(model, { maxGraphs: COMPILED_BATCH_SHAPES });
  let prepared: E.Either<string, unknown> = made;
  if (E.isRight(made)) {
    const images = tf.zeros([data.batchSize, padded(size.height), padded(size.width), 3]);
    try {
      prepared = made.right.prepare(images as tf.Tensor4D, collect);
    } finally {
      images.dispose();
    }
    if (E.isLeft(prepared)) made.right.dispose();
  }
  if (E.isLeft(prepared)) {
    if (want === true) throw new Error(`model.compileTrunk: ${prepared.left}`);
    return { compiled: undefined, note: `trunk: op by op (${prepared.left})` };
  }
  return {
    compiled: (made as E.Right<CompiledTrainingTrunk>).right,
    note: 'trunk: the backbone and RPN head, forward and backward, compiled into native TensorFlow graphs (model.compileTrunk)',
  };
}
