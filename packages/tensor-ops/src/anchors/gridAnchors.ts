import * as tf from '@tensorflow/tfjs-core';

export interface GridAnchorsOptions {
  readonly featHeight: number;
  readonly featWidth: number;
  /** Feature stride in pixels, one number or `[strideY, strideX]`. */
  readonly stride: number | readonly [number, number];
}

/**
 * Shifts reference anchors over every cell of a feature map, as py-faster-rcnn's
 * `AnchorTargetLayer` / `ProposalLayer` and torchvision's `AnchorGenerator.grid_anchors`:
 * anchor `a` at cell `(y, x)` is `base[a] + (x * strideX, y * strideY, x * strideX, y * strideY)`.
 *
 * Order: row `(y * featWidth + x) * A + a` — y outermost, then x, then anchor. This is the
 * order of an NHWC head output `[1, H, W, A * 4]` reshaped to `[H * W * A, 4]`.
 *
 * @param base `[A, 4]` reference anchors (e.g. from {@link generateAnchors}).
 * @returns `[featHeight * featWidth * A, 4]` x1,y1,x2,y2. `base` is not disposed.
 */
export function gridAnchors(base: tf.Tensor2D, options: GridAnchorsOptions): tf.Tensor2D {
  const { featHeight: h, featWidth: w } = options;
  const [sy, sx] =
    typeof options.stride === 'number' ? [options.stride, options.stride] : options.stride;
  const shifts = new Float32Array(h * w * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      shifts[o] = x * sx;
      shifts[o + 1] = y * sy;
      shifts[o + 2] = x * sx;
      shifts[o + 3] = y * sy;
    }
  }
  return tf.tidy(() => {
    const s = tf.tensor3d(shifts, [h * w, 1, 4]);
    const all = tf.add(s, tf.expandDims(base, 0));
    return tf.reshape(all, [-1, 4]) as tf.Tensor2D;
  });
}
