import * as tf from '@tensorflow/tfjs-core';
import {
  type BoxCodingConvention,
  type BoxCodingWeights,
  DEFAULT_BBOX_XFORM_CLIP,
  widthOffset,
} from './boxCoding.js';

export interface DecodeBoxesOptions {
  /** Default `[1, 1, 1, 1]`; must be those used to encode. */
  readonly weights?: BoxCodingWeights;
  /**
   * Upper clamp of `dw, dh` (after dividing by the weights) before `exp`. Default
   * `log(1000 / 16)` for `torchvision` and `detectron`, `Infinity` (none) for `py-faster-rcnn`,
   * as the original code.
   */
  readonly clipDwDh?: number;
  /** Default `'torchvision'`. */
  readonly convention?: BoxCodingConvention;
}

/**
 * Applies regression deltas to proposals, as torchvision `BoxCoder.decode_single` or
 * py-faster-rcnn `bbox_transform_inv`.
 *
 * @param deltas `[N, 4k]` (k boxes per proposal, e.g. one per class) `dx, dy, dw, dh`.
 * @param proposals `[N, 4]` x1,y1,x2,y2.
 * @returns `[N, 4k]` decoded boxes x1,y1,x2,y2. Differentiable with respect to both inputs
 *   (zero gradient through `dw`/`dh` where clamped).
 */
export function decodeBoxes(
  deltas: tf.Tensor2D,
  proposals: tf.Tensor2D,
  options: DecodeBoxesOptions = {},
): tf.Tensor2D {
  const convention = options.convention ?? 'torchvision';
  const [wx, wy, ww, wh] = options.weights ?? [1, 1, 1, 1];
  const clip =
    options.clipDwDh ??
    (convention === 'py-faster-rcnn' ? Number.POSITIVE_INFINITY : DEFAULT_BBOX_XFORM_CLIP);
  const one = widthOffset(convention);
  const x2Shift = convention === 'detectron' ? 1 : 0;
  const [n, fourK] = deltas.shape;
  if (fourK % 4 !== 0) throw new Error(`decodeBoxes: deltas must be [N, 4k], got [${n}, ${fourK}]`);
  return tf.tidy(() => {
    const [x1, y1, x2, y2] = tf.unstack(tf.reshape(proposals, [-1, 1, 4]), 2) as tf.Tensor2D[];
    const w = one ? tf.add(tf.sub(x2!, x1!), one) : tf.sub(x2!, x1!);
    const h = one ? tf.add(tf.sub(y2!, y1!), one) : tf.sub(y2!, y1!);
    const cx = tf.add(x1!, tf.mul(w, 0.5));
    const cy = tf.add(y1!, tf.mul(h, 0.5));
    const [dx0, dy0, dw0, dh0] = tf.unstack(
      tf.reshape(deltas, [n, fourK / 4, 4]),
      2,
    ) as tf.Tensor2D[];
    const dx = tf.div(dx0!, wx);
    const dy = tf.div(dy0!, wy);
    let dw = tf.div(dw0!, ww);
    let dh = tf.div(dh0!, wh);
    if (Number.isFinite(clip)) {
      dw = tf.minimum(dw, clip);
      dh = tf.minimum(dh, clip);
    }
    const pcx = tf.add(tf.mul(dx, w), cx);
    const pcy = tf.add(tf.mul(dy, h), cy);
    const hw = tf.mul(tf.mul(tf.exp(dw), w), 0.5);
    const hh = tf.mul(tf.mul(tf.exp(dh), h), 0.5);
    let px2 = tf.add(pcx, hw);
    let py2 = tf.add(pcy, hh);
    if (x2Shift) {
      px2 = tf.sub(px2, x2Shift);
      py2 = tf.sub(py2, x2Shift);
    }
    const out = tf.stack([tf.sub(pcx, hw), tf.sub(pcy, hh), px2, py2], 2);
    return tf.reshape(out, [n, fourK]) as tf.Tensor2D;
  });
}
