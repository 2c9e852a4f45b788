import * as tf from '@tensorflow/tfjs-core';

export interface BoxIouOptions {
  /**
   * Legacy PASCAL VOC / py-faster-rcnn pixel convention: a box covers `x2 - x1 + 1` pixels, so
   * widths, heights and intersections get `+1`. Default false (torchvision: `x2 - x1`).
   */
  readonly plusOne?: boolean;
}

/**
 * Pairwise intersection-over-union, as torchvision `box_iou` (or py-faster-rcnn `bbox_overlaps`
 * with `plusOne`).
 *
 * @param a `[N, 4]` boxes as x1,y1,x2,y2 (absolute pixels).
 * @param b `[M, 4]` boxes as x1,y1,x2,y2.
 * @returns `[N, M]` IoU; degenerate pairs with zero union give NaN, like torchvision.
 * Differentiable with respect to both inputs (built from tf ops). Inputs are not disposed.
 * @example
 * const iou = boxIou(tf.tensor2d([[0, 0, 10, 10]]), tf.tensor2d([[5, 0, 15, 10]])); // [[1/3]]
 */
export function boxIou(a: tf.Tensor2D, b: tf.Tensor2D, options: BoxIouOptions = {}): tf.Tensor2D {
  const one = options.plusOne ? 1 : 0;
  return tf.tidy(() => {
    const [ax1, ay1, ax2, ay2] = tf.split(a, 4, 1) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const bt = tf.transpose(b);
    const [bx1, by1, bx2, by2] = tf.split(bt, 4, 0) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    // tfjs' Maximum/Minimum gradients do not reduce broadcast dimensions: broadcast explicitly.
    const nm = [a.shape[0], b.shape[0]];
    const full = (t: tf.Tensor) => tf.broadcastTo(t, nm);
    const side = (lo1: tf.Tensor, hi1: tf.Tensor, lo2: tf.Tensor, hi2: tf.Tensor): tf.Tensor => {
      const d = tf.sub(tf.minimum(full(hi1), full(hi2)), tf.maximum(full(lo1), full(lo2)));
      return tf.relu(one ? tf.add(d, one) : d);
    };
    const inter = tf.mul(side(ax1, ax2, bx1, bx2), side(ay1, ay2, by1, by2));
    const extent = (lo: tf.Tensor, hi: tf.Tensor): tf.Tensor =>
      one ? tf.add(tf.sub(hi, lo), one) : tf.sub(hi, lo);
    const areaA = tf.mul(extent(ax1, ax2), extent(ay1, ay2));
    const areaB = tf.mul(extent(bx1, bx2), extent(by1, by2));
    return tf.div(inter, tf.sub(tf.add(areaA, areaB), inter)) as tf.Tensor2D;
  });
}
