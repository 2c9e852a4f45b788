import type * as tf from '@tensorflow/tfjs-core';
import { hostFloat32 } from '../internal/hostData.js';
import { nmsHost } from './nmsHost.js';
import { type SoftNmsOptions, softNmsHost } from './softNms.js';

export interface NmsOptions {
  /** Stop after this many kept boxes. Default: no limit. */
  readonly maxOutput?: number;
  /** Only boxes with `score > scoreThreshold` take part. Default: all (NaN scores never do). */
  readonly scoreThreshold?: number;
  /**
   * Soft-NMS instead of hard suppression (Bodla et al. 2017): scores of overlapping boxes decay
   * (`linear`: `s *= 1 - IoU` when `IoU > iouThreshold`; `gaussian`: `s *= exp(-IoU² / sigma)`)
   * and boxes whose score drops below `soft.scoreThreshold` (default 0.001) are dropped. The
   * result is then the selection order; use {@link softNms} to get the decayed scores too.
   */
  readonly soft?: SoftNmsOptions;
}

/** Boxes as a `[N, 4]` tensor or a host `[N * 4]` array (x1,y1,x2,y2 row-major). */
export type HostOrTensorBoxes = tf.Tensor2D | Float32Array;
/** Scores as a `[N]` tensor or a host array. */
export type HostOrTensorScores = tf.Tensor1D | Float32Array;

/**
 * Non-maximum suppression with torchvision `nms` semantics: visit boxes by decreasing score,
 * keep a box unless an already kept box overlaps it with `IoU > iouThreshold` (IoU without `+1`,
 * computed in float32 exactly like the torchvision CPU kernel).
 *
 * Runs on the host (a typed-array loop; faster than `tf.image.nonMaxSuppression`), hence async:
 * tensors are read with `data()`. Not differentiable. Inputs are not disposed.
 *
 * @param boxes `[N, 4]` x1,y1,x2,y2.
 * @param scores `[N]`.
 * @returns kept indices into `boxes`, by decreasing score, as an `Int32Array`
 *   (ties in score: lower index first).
 * @example
 * const keep = await nms(boxes, scores, 0.7, { maxOutput: 300 });
 */
export async function nms(
  boxes: HostOrTensorBoxes,
  scores: HostOrTensorScores,
  iouThreshold: number,
  options: NmsOptions = {},
): Promise<Int32Array> {
  const [b, s] = await Promise.all([hostFloat32(boxes), hostFloat32(scores)]);
  if (b.length !== 4 * s.length) {
    throw new Error(
      `nms: boxes must be [N, 4] and scores [N]; got ${b.length / 4} boxes and ${s.length} scores`,
    );
  }
  if (options.soft) {
    return softNmsHost(b, s, {
      ...options.soft,
      iouThreshold,
      maxOutput: options.maxOutput ?? options.soft.maxOutput,
    }).indices;
  }
  return nmsHost(b, s, iouThreshold, options.maxOutput, options.scoreThreshold);
}
