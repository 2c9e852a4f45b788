import * as tf from '@tensorflow/tfjs-core';

/**
 * Box formats: `xyxy` = x1,y1,x2,y2 (the library's own); `xywh` = x1,y1,width,height (COCO);
 * `cxcywh` = centre x, centre y, width, height.
 */
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

/**
 * Converts `[N, 4]` boxes between formats, as torchvision `box_convert`. Differentiable.
 * @example
 * boxConvert(tf.tensor2d([[10, 20, 30, 60]]), 'xyxy', 'cxcywh'); // [[20, 40, 20, 40]]
 */
export function boxConvert(boxes: tf.Tensor2D, inFmt: BoxFormat, outFmt: BoxFormat): tf.Tensor2D {
  if (inFmt === outFmt) return tf.clone(boxes);
  return tf.tidy(() => {
    const [a, b, c, d] = tf.unstack(boxes, 1) as [
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    let x1: tf.Tensor1D;
    let y1: tf.Tensor1D;
    let x2: tf.Tensor1D;
    let y2: tf.Tensor1D;
    if (inFmt === 'xyxy') {
      [x1, y1, x2, y2] = [a, b, c, d];
    } else if (inFmt === 'xywh') {
      [x1, y1, x2, y2] = [a, b, tf.add(a, c), tf.add(b, d)];
    } else {
      const hw = tf.mul(c, 0.5);
      const hh = tf.mul(d, 0.5);
      [x1, y1, x2, y2] = [tf.sub(a, hw), tf.sub(b, hh), tf.add(a, hw), tf.add(b, hh)];
    }
    if (outFmt === 'xyxy') return tf.stack([x1, y1, x2, y2], 1) as tf.Tensor2D;
    const w = tf.sub(x2, x1);
    const h = tf.sub(y2, y1);
    if (outFmt === 'xywh') return tf.stack([x1, y1, w, h], 1) as tf.Tensor2D;
    const cx = tf.div(tf.add(x1, x2), 2);
    const cy = tf.div(tf.add(y1, y2), 2);
    return tf.stack([cx, cy, w, h], 1) as tf.Tensor2D;
  });
}
