import * as tf from '@tensorflow/tfjs-core';
import { Conv2d } from '../layers/layers.js';
import type { ParamStore } from '../layers/ParamStore.js';

export interface RpnMaps {
  /** `[B, K, 2]` logits (column 0 = background), K = H·W·A in (y, x, anchor) order. */
  readonly logits: tf.Tensor3D;
  /** `[B, K, 4]` box deltas relative to the anchors. */
  readonly deltas: tf.Tensor3D;
}

/** The RPN head: 3×3 conv + ReLU, then 1×1 convs for 2·A objectness logits and 4·A deltas. */
export class RpnHead {
  private readonly conv: Conv2d;
  private readonly cls: Conv2d;
  private readonly bbox: Conv2d;
  constructor(
    store: ParamStore,
    inChannels: number,
    channels: number,
    readonly numAnchors: number,
  ) {
    this.conv = new Conv2d(
      store,
      'rpn/conv',
      inChannels,
      { filters: channels, kernel: 3 },
      { std: 0.01 },
    );
    this.cls = new Conv2d(
      store,
      'rpn/cls',
      channels,
      { filters: 2 * numAnchors, kernel: 1 },
      { std: 0.01 },
    );
    this.bbox = new Conv2d(
      store,
      'rpn/bbox',
      channels,
      { filters: 4 * numAnchors, kernel: 1 },
      { std: 0.01 },
    );
  }

  apply(features: tf.Tensor4D): RpnMaps {
    const [b, h, w] = features.shape;
    const k = h * w * this.numAnchors;
    const x = this.conv.apply(features, 'relu');
    return {
      logits: tf.reshape(this.cls.apply(x), [b, k, 2]) as tf.Tensor3D,
      deltas: tf.reshape(this.bbox.apply(x), [b, k, 4]) as tf.Tensor3D,
    };
  }
}
