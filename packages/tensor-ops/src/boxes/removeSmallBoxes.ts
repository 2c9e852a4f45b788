import type * as tf from '@tensorflow/tfjs-core';

/**
 * Indices of the boxes whose width and height are both `>= minSize`, as torchvision
 * `remove_small_boxes` (or py-faster-rcnn `_filter_boxes` with `plusOne`: `x2 - x1 + 1`).
 *
 * Not differentiable (returns host indices). Async because it reads the boxes back.
 * @param boxes `[N, 4]` x1,y1,x2,y2.
 * @returns kept indices in increasing order.
 */
export async function removeSmallBoxes(
  boxes: tf.Tensor2D,
  minSize: number,
  options: { readonly plusOne?: boolean } = {},
): Promise<Int32Array> {
  const d = (await boxes.data()) as Float32Array;
  return removeSmallBoxesHost(d, minSize, options);
}

/** Host version of {@link removeSmallBoxes}: `boxes` is `[N, 4]` flattened row-major. */
export function removeSmallBoxesHost(
  boxes: ArrayLike<number>,
  minSize: number,
  options: { readonly plusOne?: boolean } = {},
): Int32Array {
  const one = options.plusOne ? 1 : 0;
  const n = boxes.length / 4;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = Math.fround(boxes[4 * i + 2]! - boxes[4 * i]!) + one;
    const h = Math.fround(boxes[4 * i + 3]! - boxes[4 * i + 1]!) + one;
    if (w >= minSize && h >= minSize) keep.push(i);
  }
  return Int32Array.from(keep);
}
