import * as tf from '@tensorflow/tfjs-core';
import { hostFloat32Sync, hostInt32Sync } from '../internal/hostData.js';
import { roiAlignPlan, sparseRowsBackward, sparseRowsForward } from './roiAlignPlan.js';

export interface RoiAlignOptions {
  /** Output `[height, width]` (or one number for both), e.g. 7. */
  readonly outputSize: number | readonly [number, number];
  /** Feature-map pixels per image pixel, e.g. 1/16. */
  readonly spatialScale: number;
  /** Sample points per bin side; `<= 0` = adaptive `ceil(roiSize / outputSize)` per RoI. Default 0 (torchvision's -1). */
  readonly samplingRatio?: number;
  /** Half-pixel shift of the RoI (Detectron2's `aligned=True`). Default false (torchvision default). */
  readonly aligned?: boolean;
}

/** RoIs as a `[K, 4]` tensor or a host `[K * 4]` array. Never differentiated. */
export type RoiBoxes = tf.Tensor2D | Float32Array;
/** Image index of each RoI, as a `[K]` int32 tensor or a host array. */
export type RoiBatchIndices = tf.Tensor1D | Int32Array;

export const outputHW = (s: number | readonly [number, number]): [number, number] =>
  typeof s === 'number' ? [s, s] : [s[0], s[1]];

/**
 * RoIAlign with exactly torchvision `roi_align` semantics, on NHWC feature maps.
 *
 * Each output cell averages `gridH × gridW` bilinearly interpolated samples of its bin
 * (grid = `samplingRatio`, or adaptive `ceil(roiSize / outputSize)` per RoI when `<= 0`);
 * samples with `y < -1`, `y > H` (or the same in x) contribute 0, others are clamped at 0 and
 * snapped to the last row/column; without `aligned` RoIs are forced to at least 1×1.
 *
 * **Differentiable with respect to `features`** on every backend, through a custom gradient
 * that scatters `dy × weights` back (torchvision's `_roi_align_backward`). Not differentiable
 * with respect to the RoIs. The sampling weights are computed on the host as a sparse matrix,
 * so this reads `features`, `rois` and `batchIndices` synchronously (`dataSync`): cheap on
 * cpu/wasm, a device sync on GPU backends. Inputs are not disposed.
 *
 * @param features `[N, H, W, C]` feature maps.
 * @param rois `[K, 4]` x1,y1,x2,y2 in image coordinates (multiplied by `spatialScale`).
 * @param batchIndices `[K]` image of each RoI in `[0, N)`.
 * @returns `[K, outH, outW, C]`.
 * @example
 * const pooled = roiAlign(feat, rois, batchIdx, { outputSize: 7, spatialScale: 1 / 16, samplingRatio: 2 });
 */
export function roiAlign(
  features: tf.Tensor4D,
  rois: RoiBoxes,
  batchIndices: RoiBatchIndices,
  options: RoiAlignOptions,
): tf.Tensor4D {
  const [N, H, W, C] = features.shape;
  const [PH, PW] = outputHW(options.outputSize);
  const r = hostFloat32Sync(rois);
  const bi = hostInt32Sync(batchIndices);
  if (r.length !== 4 * bi.length) {
    throw new Error(
      `roiAlign: rois must be [K, 4] and batchIndices [K]; got ${r.length / 4} and ${bi.length}`,
    );
  }
  const K = bi.length;
  const plan = roiAlignPlan(r, bi, {
    batch: N,
    height: H,
    width: W,
    pooledHeight: PH,
    pooledWidth: PW,
    spatialScale: options.spatialScale,
    samplingRatio: options.samplingRatio ?? 0,
    aligned: options.aligned ?? false,
  });
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const value = tf.tensor4d(sparseRowsForward(plan, hostFloat32Sync(x), C), [K, PH, PW, C]);
    const gradFunc = (dy: tf.Tensor) =>
      tf.tensor4d(sparseRowsBackward(plan, hostFloat32Sync(dy), C, N * H * W), [N, H, W, C]);
    return { value, gradFunc };
  });
  return op(features) as tf.Tensor4D;
}
