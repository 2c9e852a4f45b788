import * as tf from '@tensorflow/tfjs-core';

export interface GenerateAnchorsOptions {
  /** Side of the reference window `(0, 0, baseSize - 1, baseSize - 1)`. Default 16. */
  readonly baseSize?: number;
  /** Height / width ratios. Default `[0.5, 1, 2]`. */
  readonly ratios?: readonly number[];
  /** Scales relative to the base window. Default `[8, 16, 32]`. */
  readonly scales?: readonly number[];
}

/** numpy's `np.round`: halves go to the even neighbour. */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * Host version of {@link generateAnchors}: `[A * 4]` row-major, float64 values.
 */
export function generateAnchorsHost(options: GenerateAnchorsOptions = {}): Float64Array {
  const base = options.baseSize ?? 16;
  const ratios = options.ratios ?? [0.5, 1, 2];
  const scales = options.scales ?? [8, 16, 32];
  // py-faster-rcnn: the reference window is (0, 0, base - 1, base - 1) in the +1 convention.
  const w0 = base;
  const ctr = 0.5 * (base - 1);
  const out = new Float64Array(ratios.length * scales.length * 4);
  let k = 0;
  for (const r of ratios) {
    const ws = roundHalfEven(Math.sqrt((w0 * w0) / r));
    const hs = roundHalfEven(ws * r);
    // _ratio_enum then _whctrs on the result: the centre is recomputed from the rounded box.
    const rx1 = ctr - 0.5 * (ws - 1);
    const ry1 = ctr - 0.5 * (hs - 1);
    const rx2 = ctr + 0.5 * (ws - 1);
    const ry2 = ctr + 0.5 * (hs - 1);
    const w = rx2 - rx1 + 1;
    const h = ry2 - ry1 + 1;
    const cx = rx1 + 0.5 * (w - 1);
    const cy = ry1 + 0.5 * (h - 1);
    for (const s of scales) {
      const sw = w * s;
      const sh = h * s;
      out[k++] = cx - 0.5 * (sw - 1);
      out[k++] = cy - 0.5 * (sh - 1);
      out[k++] = cx + 0.5 * (sw - 1);
      out[k++] = cy + 0.5 * (sh - 1);
    }
  }
  return out;
}

/**
 * Reference anchors exactly as the original Faster R-CNN `generate_anchors.py` (including its
 * numpy half-to-even rounding of the ratio-enumerated widths): ratio-major, scale-minor order.
 * The defaults give the famous 9 anchors, first `[-84, -40, 99, 55]`.
 *
 * @returns `[A, 4]` x1,y1,x2,y2 with `A = ratios.length * scales.length`, centred on
 *   `((baseSize - 1) / 2, (baseSize - 1) / 2)`. Not differentiable (constants).
 */
export function generateAnchors(options: GenerateAnchorsOptions = {}): tf.Tensor2D {
  const a = generateAnchorsHost(options);
  return tf.tensor2d(Float32Array.from(a), [a.length / 4, 4]);
}
