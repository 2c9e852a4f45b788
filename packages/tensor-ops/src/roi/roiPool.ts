import * as tf from '@tensorflow/tfjs-core';
import { hostFloat32Sync, hostInt32Sync } from '../internal/hostData.js';
import { outputHW, type RoiBatchIndices, type RoiBoxes } from './roiAlign.js';

export interface RoiPoolOptions {
  /** Output `[height, width]` (or one number for both), e.g. 7. */
  readonly outputSize: number | readonly [number, number];
  /** Feature-map pixels per image pixel, e.g. 1/16. */
  readonly spatialScale: number;
}

const FLT_MAX = 3.4028234663852886e38;
/** C `round()`: halves away from zero (JS `Math.round` rounds them up). */
const roundAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));

/**
 * RoI max pooling with exactly torchvision `roi_pool` semantics (Fast R-CNN), on NHWC maps:
 * RoI corners are `round(coord * spatialScale)`, the RoI is at least 1×1 (`end - start + 1`),
 * bin `ph` spans rows `[floor(ph * binH), ceil((ph + 1) * binH))` offset by the RoI start and
 * clipped to the map; an empty bin outputs 0.
 *
 * **Differentiable with respect to `features`**: the gradient routes each output gradient to
 * the argmax pixel of its bin (first maximum in row-major order), as torchvision. Reads inputs
 * synchronously (`dataSync`). Inputs are not disposed.
 *
 * @param features `[N, H, W, C]`. @param rois `[K, 4]` x1,y1,x2,y2 image coordinates.
 * @param batchIndices `[K]` image of each RoI.
 * @returns `[K, outH, outW, C]`.
 */
export function roiPool(
  features: tf.Tensor4D,
  rois: RoiBoxes,
  batchIndices: RoiBatchIndices,
  options: RoiPoolOptions,
): tf.Tensor4D {
  const f = Math.fround;
  const [N, H, W, C] = features.shape;
  const [PH, PW] = outputHW(options.outputSize);
  const r = hostFloat32Sync(rois);
  const bi = hostInt32Sync(batchIndices);
  if (r.length !== 4 * bi.length) {
    throw new Error(
      `roiPool: rois must be [K, 4] and batchIndices [K]; got ${r.length / 4} and ${bi.length}`,
    );
  }
  const K = bi.length;
  const scale = f(options.spatialScale);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const feat = hostFloat32Sync(x);
    const out = new Float32Array(K * PH * PW * C);
    // Flat feature index of each output's maximum, -1 when its bin is empty.
    const argmax = new Int32Array(K * PH * PW * C).fill(-1);
    for (let k = 0; k < K; k++) {
      const b = bi[k]!;
      if (!(b >= 0 && b < N) || !Number.isInteger(b)) {
        throw new Error(`roiPool: batch index ${b} of RoI ${k} is outside [0, ${N})`);
      }
      const sw = roundAway(f(r[4 * k]! * scale));
      const sh = roundAway(f(r[4 * k + 1]! * scale));
      const ew = roundAway(f(r[4 * k + 2]! * scale));
      const eh = roundAway(f(r[4 * k + 3]! * scale));
      const binH = f(Math.max(eh - sh + 1, 1) / PH);
      const binW = f(Math.max(ew - sw + 1, 1) / PW);
      for (let ph = 0; ph < PH; ph++) {
        const hs = Math.min(Math.max(Math.floor(f(ph * binH)) + sh, 0), H);
        const he = Math.min(Math.max(Math.ceil(f((ph + 1) * binH)) + sh, 0), H);
        for (let pw = 0; pw < PW; pw++) {
          const ws = Math.min(Math.max(Math.floor(f(pw * binW)) + sw, 0), W);
          const we = Math.min(Math.max(Math.ceil(f((pw + 1) * binW)) + sw, 0), W);
          const o = ((k * PH + ph) * PW + pw) * C;
          if (he <= hs || we <= ws) continue;
          out.fill(-FLT_MAX, o, o + C);
          for (let y = hs; y < he; y++) {
            for (let xx = ws; xx < we; xx++) {
              const src = ((b * H + y) * W + xx) * C;
              for (let c = 0; c < C; c++) {
                const v = feat[src + c]!;
                if (v > out[o + c]!) {
                  out[o + c] = v;
                  argmax[o + c] = src + c;
                }
              }
            }
          }
        }
      }
    }
    const value = tf.tensor4d(out, [K, PH, PW, C]);
    const gradFunc = (dy: tf.Tensor) => {
      const d = hostFloat32Sync(dy);
      const g = new Float32Array(N * H * W * C);
      for (let i = 0; i < argmax.length; i++) {
        const a = argmax[i]!;
        if (a >= 0) g[a]! += d[i]!;
      }
      return tf.tensor4d(g, [N, H, W, C]);
    };
    return { value, gradFunc };
  });
  return op(features) as tf.Tensor4D;
}
