import type * as tf from '@tensorflow/tfjs-core';
import { hostFloat32, hostInt32 } from '../internal/hostData.js';
import type { HostOrTensorBoxes, HostOrTensorScores } from './nms.js';
import { nmsHost } from './nmsHost.js';

export interface BatchedNmsOptions {
  /** Keep at most this many boxes in total (the best-scoring ones). Default: no limit. */
  readonly maxOutput?: number;
  /** Only boxes with `score > scoreThreshold` take part. Default: all. */
  readonly scoreThreshold?: number;
}

/**
 * Per-class NMS with torchvision `batched_nms` semantics: boxes of different classes never
 * suppress each other. Implemented as the per-class loop (torchvision's
 * `_batched_nms_vanilla`), which is exact, rather than the coordinate-offset trick, whose
 * float32 offsets can change IoUs. Host computation (async), not differentiable.
 *
 * @param boxes `[N, 4]` x1,y1,x2,y2. @param scores `[N]`.
 * @param classIds `[N]` integer class (or image, or level) of each box.
 * @returns kept indices into `boxes`, by decreasing score across all classes.
 */
export async function batchedNms(
  boxes: HostOrTensorBoxes,
  scores: HostOrTensorScores,
  classIds: tf.Tensor1D | Int32Array,
  iouThreshold: number,
  options: BatchedNmsOptions = {},
): Promise<Int32Array> {
  const [b, s, c] = await Promise.all([
    hostFloat32(boxes),
    hostFloat32(scores),
    hostInt32(classIds),
  ]);
  if (b.length !== 4 * s.length || c.length !== s.length) {
    throw new Error(
      `batchedNms: expected boxes [N, 4], scores [N], classIds [N]; got ${b.length / 4}, ${s.length}, ${c.length}`,
    );
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < c.length; i++) {
    const g = groups.get(c[i]!);
    if (g) g.push(i);
    else groups.set(c[i]!, [i]);
  }
  const kept: number[] = [];
  for (const members of groups.values()) {
    const k = nmsHost(
      b,
      s,
      iouThreshold,
      options.maxOutput,
      options.scoreThreshold,
      Int32Array.from(members),
    );
    for (const i of k) kept.push(i);
  }
  kept.sort((x, y) => s[y]! - s[x]! || x - y);
  const max = options.maxOutput ?? kept.length;
  return Int32Array.from(kept.slice(0, max));
}
