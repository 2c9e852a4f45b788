import * as tf from '@tensorflow/tfjs-core';

/**
 * Area of each box, as torchvision `box_area` (`(x2 - x1) * (y2 - y1)`, not clamped), or
 * `(x2 - x1 + 1) * (y2 - y1 + 1)` with `plusOne` (py-faster-rcnn / VOC).
 *
 * @param boxes `[N, 4]` x1,y1,x2,y2.
 * @returns `[N]` areas. Differentiable.
 */
export function boxArea(
  boxes: tf.Tensor2D,
  options: { readonly plusOne?: boolean } = {},
): tf.Tensor1D {
  const one = options.plusOne ? 1 : 0;
  return tf.tidy(() => {
    const [x1, y1, x2, y2] = tf.unstack(boxes, 1) as [
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    const w = one ? tf.add(tf.sub(x2, x1), one) : tf.sub(x2, x1);
    const h = one ? tf.add(tf.sub(y2, y1), one) : tf.sub(y2, y1);
    return tf.mul(w, h) as tf.Tensor1D;
  });
}
