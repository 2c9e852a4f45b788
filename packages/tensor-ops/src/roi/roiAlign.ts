import * as tf from '@tensorflow/tfjs-core';
import { hostFloat32Sync, hostInt32Sync } from '../internal/hostData.js';
import { roiAlignPlan, sparseRowsBackward, sparseRowsForward } from './roiAlignPlan.js';
import type { RoiAlignGeometry } from './roiAlignSamples.js';
import { type RoiAlignWeights, roiAlignWeights } from './roiAlignWeights.js';

export interface RoiAlignOptions {
  /** Output `[height, width]` (or one number for both), e.g. 7. */
  readonly outputSize: number | readonly [number, number];
  /** Feature-map pixels per image pixel, e.g. 1/16. */
  readonly spatialScale: number;
  /** Sample points per bin side; `<= 0` = adaptive `ceil(roiSize / outputSize)` per RoI. Default 0 (torchvision's -1). */
  readonly samplingRatio?: number;
  /** Half-pixel shift of the RoI (Detectron2's `aligned=True`). Default false (torchvision default). */
  readonly aligned?: boolean;
  /**
   * How to compute it (same results): `'separable'` — two matrix products of per-axis weights on
   * the backend, cheap on small maps, its cost growing with the map; `'sparse'` — a loop over the
   * samples on the host, its cost independent of the map size. Default `'auto'`: separable when
   * the feature map is small against the sampling (see {@link roiAlign}).
   */
  readonly method?: 'auto' | 'separable' | 'sparse';
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
 * **Differentiable with respect to `features`** on every backend. Two formulations, chosen per
 * call by `method` (default `'auto'`): RoIAlign is separable, so the output is two matrix
 * products of per-axis weight matrices ({@link roiAlignWeights}) with the features, which stay on
 * the backend and differentiate through `matMul` — about `K·7·H·W·C` multiply-adds, chosen when
 * `H·(W + PH) ≤ 32·PH·gridH·gridW` (maps up to ~20×20 at 7×7 output, sampling 2; measured faster
 * on 8×8 and 16×16 maps, slower on 38×50); otherwise the sampling weights form a sparse matrix
 * ({@link roiAlignPlan}) applied on the host with a custom gradient (its transpose), reading
 * `features` synchronously (`dataSync`). Not differentiable with respect to the RoIs. Reads
 * `rois` and `batchIndices` synchronously when they are tensors. Inputs are not disposed.
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
  const geometry = roiAlignGeometry(features.shape, options);
  const grid = (options.samplingRatio ?? 0) > 0 ? options.samplingRatio! : 2;
  const method =
    (options.method ?? 'auto') === 'auto'
      ? H * (W + PH) <= 32 * PH * grid * grid
        ? 'separable'
        : 'sparse'
      : options.method;
  if (method === 'sparse') {
    const plan = roiAlignPlan(r, bi, geometry);

    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const x = args[0] as tf.Tensor;
      const value = tf.tensor4d(sparseRowsForward(plan, hostFloat32Sync(x), C), [K, PH, PW, C]);
      const gradFunc = (dy: tf.Tensor) =>
        tf.tensor4d(sparseRowsBackward(plan, hostFloat32Sync(dy), C, N * H * W), [N, H, W, C]);
      return { value, gradFunc };
    });
    return op(features) as tf.Tensor4D;
  }
  const { wy, wx } = roiAlignWeights(r, bi, geometry);
  // No RoIs: an empty result that is still a function of the features (zero gradient).
  if (K === 0) return tf.tidy(() => tf.mul(tf.zeros([0, PH, PW, C]), tf.sum(features)));
  if (N === 1) {
    return tf.tidy(() =>
      applyRoiAlignWeights(features, tf.tensor2d(wx, [K * PW, W]), tf.tensor3d(wy, [K, PH, H])),
    );
  }
  return tf.tidy(() => {
    // Columns first, all images in one batched product: [N, Kmax·PW, W] × [N, W, H·C] (x
    // contracted), image b's RoIs in its first rows, zero weights below (one op instead of a slice
    // and a product per image: on the native backend the per-op cost outweighed the arithmetic).
    const byColumn = tf.reshape(tf.transpose(features, [0, 2, 1, 3]), [N, W, H * C]);
    const order = imageOrder(bi, N);
    const kMax = Math.max(...order.counts);
    const rows = new Float32Array(N * kMax * PW * W);
    const slot = new Int32Array(K); // each RoI's row block in the padded result
    let j = 0;
    for (let b = 0; b < N; b++) {
      for (let i = 0; i < order.counts[b]!; i++, j++) {
        const k = order.indices[j]!;
        slot[k] = b * kMax + i;
        rows.set(wx.subarray(k * PW * W, (k + 1) * PW * W), slot[k]! * PW * W);
      }
    }
    let columns = tf.reshape(tf.matMul(tf.tensor3d(rows, [N, kMax * PW, W]), byColumn), [
      N * kMax,
      PW * H * C,
    ]) as tf.Tensor2D;
    if (!(order.identity && kMax * N === K)) {
      columns = tf.gather(columns, tf.tensor1d(slot, 'int32')) as tf.Tensor2D;
    }
    return poolRows(columns, tf.tensor3d(wy, [K, PH, H]), H, C);
  });
}

/**
 * The second contraction of separable RoIAlign: per RoI, `[PH, H] × [H, PW·C]` (y contracted).
 *
 * @param columns `[K·PW, H·C]`, the features contracted over x, RoI by RoI. @param wy `[K, PH, H]`.
 * @returns `[K, PH, PW, C]`.
 */
function poolRows(columns: tf.Tensor, wy: tf.Tensor3D, H: number, C: number): tf.Tensor4D {
  const [K, PH] = wy.shape;
  const PW = columns.size / (K * H * C);
  const perRoi = tf.reshape(tf.transpose(tf.reshape(columns, [K, PW, H, C]), [0, 2, 1, 3]), [
    K,
    H,
    PW * C,
  ]) as tf.Tensor3D;
  return tf.reshape(tf.matMul(wy, perRoi), [K, PH, PW, C]) as tf.Tensor4D;
}

function roiAlignGeometry(
  [N, H, W]: readonly number[],
  options: RoiAlignOptions,
): RoiAlignGeometry {
  const [PH, PW] = outputHW(options.outputSize);
  return {
    batch: N!,
    height: H!,
    width: W!,
    pooledHeight: PH,
    pooledWidth: PW,
    spatialScale: options.spatialScale,
    samplingRatio: options.samplingRatio ?? 0,
    aligned: options.aligned ?? false,
  };
}

/**
 * The host half of {@link roiAlign}'s separable formulation for one image: the per-axis weights
 * of `rois` on a `[1, H, W, C]` feature map. With {@link applyRoiAlignWeights} (the tensor half)
 * it equals `roiAlign(features, rois, zeros, options)` op for op, whatever `options.method`; the
 * split lets a compiled graph take the weights as inputs.
 *
 * @param featureShape `[1, H, W, C]`. @param rois `[K * 4]` x1,y1,x2,y2 in image coordinates.
 * @returns `wx` `[K·PW·W]` and `wy` `[K·PH·H]`.
 */
export function roiAlignAxisWeights(
  featureShape: readonly [number, number, number, number],
  rois: Float32Array,
  options: RoiAlignOptions,
): RoiAlignWeights {
  if (featureShape[0] !== 1) {
    throw new Error(
      `roiAlignAxisWeights: one image's features expected; got batch ${featureShape[0]}`,
    );
  }
  return roiAlignWeights(
    rois,
    new Int32Array(rois.length / 4),
    roiAlignGeometry(featureShape, options),
  );
}

/**
 * The tensor half of single-image separable RoIAlign (see {@link roiAlignAxisWeights}): columns
 * first, `[K·PW, W] × [W, H·C]`, then rows per RoI, `[PH, H] × [H, PW·C]`. Differentiable with
 * respect to `features`.
 *
 * @param features `[1, H, W, C]`. @param wx `[K·PW, W]`. @param wy `[K, PH, H]`.
 * @returns `[K, PH, PW, C]`.
 */
export function applyRoiAlignWeights(
  features: tf.Tensor4D,
  wx: tf.Tensor2D,
  wy: tf.Tensor3D,
): tf.Tensor4D {
  const [, H, W, C] = features.shape;
  return tf.tidy(() => {
    const byColumn = tf.reshape(tf.transpose(features, [0, 2, 1, 3]), [1, W, H * C]);
    return poolRows(tf.matMul(wx, tf.reshape(byColumn, [W, H * C])), wy, H, C);
  });
}

/** RoI indices sorted by image (stable), the count per image, and whether that order is theirs. */
function imageOrder(
  batchIndices: Int32Array,
  batch: number,
): { indices: Int32Array; counts: Int32Array; identity: boolean } {
  const counts = new Int32Array(batch);
  for (const b of batchIndices) counts[b]!++;
  const next = new Int32Array(batch);
  for (let b = 1; b < batch; b++) next[b] = next[b - 1]! + counts[b - 1]!;
  const indices = new Int32Array(batchIndices.length);
  let identity = true;
  batchIndices.forEach((b, k) => {
    const j = next[b]!++;
    indices[j] = k;
    if (j !== k) identity = false;
  });
  return { indices, counts, identity };
}
