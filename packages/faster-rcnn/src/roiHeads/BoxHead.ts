import { roiAlign, roiPool } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { Dense } from '../layers/layers.js';
import type { ParamStore } from '../layers/ParamStore.js';

export interface BoxHeadOptions {
  readonly pooler: 'align' | 'pool';
  readonly outputSize: number;
  readonly samplingRatio: number;
  readonly aligned: boolean;
  readonly fcDims: readonly number[];
}

export interface BoxHeadOutputs {
  /** `[R, C+1]`. */
  readonly logits: tf.Tensor2D;
  /** `[R, 4·(C+1)]` class-specific deltas. */
  readonly deltas: tf.Tensor2D;
  /** `[R, D]` the last fc layer's output (an fc hint candidate). */
  readonly fc: tf.Tensor2D;
}

/** The RCN: RoIAlign (or RoIPool) on the feature map, fc layers, class logits and per-class deltas. */
export class BoxHead {
  private readonly fcs: Dense[] = [];
  private readonly cls: Dense;
  private readonly bbox: Dense;
  constructor(
    store: ParamStore,
    readonly inChannels: number,
    readonly numClasses: number,
    readonly options: BoxHeadOptions,
  ) {
    let d = options.outputSize * options.outputSize * inChannels;
    options.fcDims.forEach((dim, i) => {
      this.fcs.push(new Dense(store, `roi_head/fc${i + 6}`, d, dim));
      d = dim;
    });
    this.cls = new Dense(store, 'roi_head/cls', d, numClasses + 1, { std: 0.01 });
    this.bbox = new Dense(store, 'roi_head/bbox', d, 4 * (numClasses + 1), { std: 0.001 });
  }

  /**
   * @param features `[B, H, W, C]`; @param rois `[R*4]` in image pixels; @param roiImage `[R]`.
   * Differentiable with respect to the features and the head's weights.
   */
  apply(
    features: tf.Tensor4D,
    rois: Float32Array,
    roiImage: Int32Array,
    spatialScale: number,
  ): BoxHeadOutputs {
    const o = this.options;
    const pooled =
      o.pooler === 'align'
        ? roiAlign(features, rois, roiImage, {
            outputSize: o.outputSize,
            spatialScale,
            samplingRatio: o.samplingRatio,
            aligned: o.aligned,
          })
        : roiPool(features, rois, roiImage, { outputSize: o.outputSize, spatialScale });
    return this.classify(pooled);
  }

  /** The head after pooling: `[R, P, P, C]` pooled features → fc layers, logits and deltas. */
  classify(pooled: tf.Tensor4D): BoxHeadOutputs {
    let x = tf.reshape(pooled, [pooled.shape[0], -1]) as tf.Tensor2D;
    for (const fc of this.fcs) x = fc.apply(x, 'relu');
    return { logits: this.cls.apply(x), deltas: this.bbox.apply(x), fc: x };
  }
}
