import * as tf from '@tensorflow/tfjs-core';
import { type BoxCodingConvention, type BoxCodingWeights, widthOffset } from './boxCoding.js';

export interface EncodeBoxesOptions {
  /** Default `[1, 1, 1, 1]`. */
  readonly weights?: BoxCodingWeights;
  /** Default `'torchvision'`. */
  readonly convention?: BoxCodingConvention;
}

const cols = (t: tf.Tensor2D) =>
  tf.unstack(t, 1) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];

/**
 * Regression targets that turn each proposal into its reference box, as torchvision
 * `BoxCoder.encode` (`encode_boxes`) or py-faster-rcnn `bbox_transform(proposals, reference)`.
 *
 * @param reference `[N, 4]` target boxes (e.g. matched ground truth), x1,y1,x2,y2.
 * @param proposals `[N, 4]` anchors or proposals, x1,y1,x2,y2.
 * @returns `[N, 4]` deltas `dx, dy, dw, dh` (weighted). Differentiable with respect to both.
 */
export function encodeBoxes(
  reference: tf.Tensor2D,
  proposals: tf.Tensor2D,
  options: EncodeBoxesOptions = {},
): tf.Tensor2D {
  const [wx, wy, ww, wh] = options.weights ?? [1, 1, 1, 1];
  const one = widthOffset(options.convention ?? 'torchvision');
  return tf.tidy(() => {
    const geometry = (b: tf.Tensor2D) => {
      const [x1, y1, x2, y2] = cols(b);
      const w = one ? tf.add(tf.sub(x2, x1), one) : tf.sub(x2, x1);
      const h = one ? tf.add(tf.sub(y2, y1), one) : tf.sub(y2, y1);
      return { w, h, cx: tf.add(x1, tf.mul(w, 0.5)), cy: tf.add(y1, tf.mul(h, 0.5)) };
    };
    const ex = geometry(proposals);
    const gt = geometry(reference);
    const dx = tf.div(tf.mul(tf.sub(gt.cx, ex.cx), wx), ex.w);
    const dy = tf.div(tf.mul(tf.sub(gt.cy, ex.cy), wy), ex.h);
    const dw = tf.mul(tf.log(tf.div(gt.w, ex.w)), ww);
    const dh = tf.mul(tf.log(tf.div(gt.h, ex.h)), wh);
    return tf.stack([dx, dy, dw, dh], 1) as tf.Tensor2D;
  });
}
