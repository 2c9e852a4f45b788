import type * as tf from '@tensorflow/tfjs-core';
import { hostFloat32 } from '../internal/hostData.js';

/** Matcher outcome: best IoU `< lowThreshold` (a negative / background candidate). */
export const BELOW_LOW_THRESHOLD = -1;
/** Matcher outcome: best IoU in `[lowThreshold, highThreshold)` (ignored). */
export const BETWEEN_THRESHOLDS = -2;

export interface MatchBoxesOptions {
  /** Best IoU `>= highThreshold` is a match (e.g. 0.7 for the RPN, 0.5 for the RoI head). */
  readonly highThreshold: number;
  /** Best IoU `< lowThreshold` is {@link BELOW_LOW_THRESHOLD} (e.g. 0.3). */
  readonly lowThreshold: number;
  /**
   * Also match, for every ground-truth box, the predictions that have the highest IoU with it
   * (all of them when tied), even below the thresholds. Default false.
   */
  readonly allowLowQualityMatches?: boolean;
}

/** A `[G, M]` IoU matrix on the host, row-major (ground truth × predictions). */
export interface HostMatrix {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

/**
 * torchvision `Matcher`: for each prediction (anchor or proposal), the index of its best
 * ground-truth box, or {@link BELOW_LOW_THRESHOLD} / {@link BETWEEN_THRESHOLDS}.
 *
 * Exactly torchvision's rules, quirks included: the best ground truth is the first maximum of
 * the column; with `allowLowQualityMatches`, a prediction that is some ground truth's best
 * match (ties included) gets back its *own* best ground-truth index (which may be another box).
 * With no ground truth, every prediction is {@link BELOW_LOW_THRESHOLD}.
 * Host computation (async), not differentiable.
 *
 * @param iou `[G, M]` IoU of ground truth (rows) with predictions (columns), e.g. `boxIou(gt, anchors)`.
 * @returns `[M]` matched ground-truth index or a negative outcome constant.
 */
export async function matchBoxes(
  iou: tf.Tensor2D | HostMatrix,
  options: MatchBoxesOptions,
): Promise<Int32Array> {
  if ('data' in iou && 'rows' in iou) return matchBoxesHost(iou, options);
  const t = iou as tf.Tensor2D;
  return matchBoxesHost(
    { data: await hostFloat32(t), rows: t.shape[0], cols: t.shape[1] },
    options,
  );
}

/** Host version of {@link matchBoxes}. */
export function matchBoxesHost(iou: HostMatrix, options: MatchBoxesOptions): Int32Array {
  const { highThreshold: high, lowThreshold: low } = options;
  if (!(low <= high))
    throw new Error(`matchBoxes: lowThreshold ${low} must be <= highThreshold ${high}`);
  const { data, rows: G, cols: M } = iou;
  const matches = new Int32Array(M).fill(BELOW_LOW_THRESHOLD);
  if (G === 0) return matches;
  const best = new Int32Array(M);
  for (let m = 0; m < M; m++) {
    let bv = data[m]!;
    let bi = 0;
    for (let g = 1; g < G; g++) {
      const v = data[g * M + m]!;
      if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
        bv = v;
        bi = g;
      }
    }
    best[m] = bi;
    matches[m] = bv < low ? BELOW_LOW_THRESHOLD : bv < high ? BETWEEN_THRESHOLDS : bi;
  }
  if (options.allowLowQualityMatches) {
    for (let g = 0; g < G; g++) {
      let hq = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < M; m++) hq = Math.max(hq, data[g * M + m]!);
      for (let m = 0; m < M; m++) if (data[g * M + m] === hq) matches[m] = best[m]!;
    }
  }
  return matches;
}
