import { type BoxCodingWeights, boxIou, decodeBoxes, encodeBoxes } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { tidyRead } from './tidyRead.js';

/** IoU `[A, B]` of two host box lists (`[A*4]`, `[B*4]`), computed with tensor-ops' boxIou. */
export function iouHost(a: Float32Array, b: Float32Array): Float32Array {
  const na = a.length / 4;
  const nb = b.length / 4;
  if (na === 0 || nb === 0) return new Float32Array(0);
  return tidyRead(() => boxIou(tf.tensor2d(a, [na, 4]), tf.tensor2d(b, [nb, 4])));
}

/** Encodes `reference` boxes against `proposals` (both `[N*4]`), returning `[N*4]` deltas. */
export function encodeHost(
  reference: Float32Array,
  proposals: Float32Array,
  weights: BoxCodingWeights,
): Float32Array {
  const n = reference.length / 4;
  if (n === 0) return new Float32Array(0);
  return tidyRead(() =>
    encodeBoxes(tf.tensor2d(reference, [n, 4]), tf.tensor2d(proposals, [n, 4]), { weights }),
  );
}

/** Decodes `[N*4]` deltas against `[N*4]` boxes. */
export function decodeHost(
  deltas: Float32Array,
  boxes: Float32Array,
  weights: BoxCodingWeights,
): Float32Array {
  const n = boxes.length / 4;
  if (n === 0) return new Float32Array(0);
  return tidyRead(() =>
    decodeBoxes(tf.tensor2d(deltas, [n, 4]), tf.tensor2d(boxes, [n, 4]), { weights }),
  );
}

/** Rows `idx` of a `[N*4]` box list. */
export function takeBoxes(boxes: Float32Array, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * 4);
  for (let i = 0; i < idx.length; i++) out.set(boxes.subarray(4 * idx[i]!, 4 * idx[i]! + 4), 4 * i);
  return out;
}

/**
 * Marks as ignored (−1) the negatives (0) whose area lies more than half inside an ignore region
 * (crowd boxes, DontCare): they are unlabelled, not background.
 */
export function ignoreInsideRegions(
  labels: Int32Array,
  boxes: Float32Array,
  regions: Float32Array | undefined,
): void {
  if (!regions || regions.length === 0) return;
  const nr = regions.length / 4;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0) continue;
    const x1 = boxes[4 * i]!;
    const y1 = boxes[4 * i + 1]!;
    const x2 = boxes[4 * i + 2]!;
    const y2 = boxes[4 * i + 3]!;
    const area = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    if (area <= 0) continue;
    for (let r = 0; r < nr; r++) {
      const iw = Math.min(x2, regions[4 * r + 2]!) - Math.max(x1, regions[4 * r]!);
      const ih = Math.min(y2, regions[4 * r + 3]!) - Math.max(y1, regions[4 * r + 1]!);
      if (iw > 0 && ih > 0 && (iw * ih) / area > 0.5) {
        labels[i] = -1;
        break;
      }
    }
  }
}
