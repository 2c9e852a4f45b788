import * as tf from '@tensorflow/tfjs-core';

/**
 * Clips boxes to an image, as torchvision `clip_boxes_to_image` (x in [0, width], y in
 * [0, height]) or, with `plusOne`, py-faster-rcnn `clip_boxes` (x in [0, width - 1]).
 *
 * @param boxes `[N, 4k]` x1,y1,x2,y2 repeated k times (k = 1 for plain boxes, k = classes for
 *   class-specific regression outputs).
 * @param imageSize `[height, width]` in pixels.
 * @returns `[N, 4k]` clipped boxes. Differentiable (zero gradient where clipped).
 */
export function clipBoxes<T extends tf.Tensor2D>(
  boxes: T,
  imageSize: readonly [number, number],
  options: { readonly plusOne?: boolean } = {},
): T {
  const [h, w] = imageSize;
  const d = options.plusOne ? 1 : 0;
  return tf.tidy(() => {
    const flat = tf.reshape(boxes, [-1, 4]);
    const hi = tf.tensor1d([w - d, h - d, w - d, h - d]);
    const clipped = tf.minimum(tf.maximum(flat, 0), hi);
    return tf.reshape(clipped, boxes.shape) as T;
  });
}
