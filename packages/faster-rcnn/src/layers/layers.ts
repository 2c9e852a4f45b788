import { relu } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './ParamStore.js';

export type Padding = 'same' | 'valid';

export interface ConvSpec {
  readonly filters: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly dilation?: number;
  readonly padding?: Padding;
  readonly bias?: boolean;
}

/** A 2-D convolution whose weights live in `store` under `name/w` and `name/b`. */
export class Conv2d {
  readonly w: tf.Variable;
  readonly b: tf.Variable | undefined;
  constructor(
    store: ParamStore,
    readonly name: string,
    readonly inChannels: number,
    readonly spec: ConvSpec,
    init: 'he' | { std: number } = 'he',
  ) {
    const k = spec.kernel;
    this.w = store.create(
      `${name}/w`,
      [k, k, inChannels, spec.filters],
      init === 'he'
        ? { kind: 'heNormal', fanIn: k * k * inChannels }
        : { kind: 'normal', std: init.std },
    );
    this.b =
      spec.bias === false
        ? undefined
        : store.create(`${name}/b`, [spec.filters], { kind: 'zeros' });
  }

  /**
   * `[B, H, W, Cin]` + a folded batch norm: `conv(x, weight) + bias`, then ReLU6 if asked, as one
   * fused op where the backend has one. `weight` `[k, k, Cin, filters]`, `bias` `[filters]`.
   */
  applyFolded(
    x: tf.Tensor4D,
    weight: tf.Tensor4D,
    bias: tf.Tensor1D,
    activation: 'relu6' | 'linear',
  ): tf.Tensor4D {
    return tf.fused.conv2d({
      x,
      filter: weight,
      strides: this.spec.stride ?? 1,
      pad: this.spec.padding ?? 'same',
      dilations: this.spec.dilation ?? 1,
      bias,
      activation,
    });
  }

  /** `[B, H, W, Cin]` → `[B, H', W', filters]`. */
  apply(x: tf.Tensor4D, activation?: 'relu'): tf.Tensor4D {
    const stride = this.spec.stride ?? 1;
    const dilation = this.spec.dilation ?? 1;
    let y = tf.conv2d(
      x,
      this.w as tf.Tensor4D,
      stride,
      this.spec.padding ?? 'same',
      'NHWC',
      dilation,
    );
    if (this.b) y = tf.add(y, this.b);
    return activation === 'relu' ? relu(y) : y;
  }
}

/**
 * Depthwise 3×3 (or k×k) convolution, multiplier 1, 'same' padding. A dilation above 1 (stride 1
 * only) runs as the backend's dilated depthwise kernel, differentiated by `@kd/tensor-ops`'
 * dilated-convolution gradients (`initBackend` registers them) — except on `tensorflow`, where
 * tfjs-node's own gradient registration replaces them: there it is computed as an undilated
 * convolution over the `dilation²` interleaved sub-images (space-to-batch, as TensorFlow's
 * `atrous_conv2d`), which differentiates everywhere. Both give the same outputs; on wasm the
 * space-to-batch form was 76× slower (a `[8, 32, 32, 384]` map: 581 against 7.6 ms) and its
 * forward + backward 5× slower.
 */
export class DepthwiseConv2d {
  readonly w: tf.Variable;
  constructor(
    store: ParamStore,
    readonly name: string,
    readonly channels: number,
    readonly kernel: number,
    readonly stride: number,
    readonly dilation = 1,
  ) {
    if (dilation > 1 && stride !== 1)
      throw new Error(`${name}: a dilated depthwise convolution must have stride 1`);
    this.w = store.create(`${name}/w`, [kernel, kernel, channels, 1], {
      kind: 'heNormal',
      fanIn: kernel * kernel,
    });
  }
  /**
   * `[B, H, W, C]` → `[B, ⌈H/stride⌉, ⌈W/stride⌉, C]`, with this layer's kernel or `weight`
   * (`[k, k, C, 1]`, e.g. with a batch norm folded in) plus an optional `bias` `[C]` and ReLU6.
   */
  apply(
    x: tf.Tensor4D,
    fused: {
      readonly weight?: tf.Tensor4D;
      readonly bias?: tf.Tensor1D;
      readonly relu6?: boolean;
    } = {},
  ): tf.Tensor4D {
    const w = fused.weight ?? (this.w as tf.Tensor4D);
    const conv = (input: tf.Tensor4D, stride: number): tf.Tensor4D =>
      fused.bias === undefined && !fused.relu6
        ? tf.depthwiseConv2d(input, w, stride, 'same')
        : tf.fused.depthwiseConv2d({
            x: input,
            filter: w,
            strides: stride,
            pad: 'same',
            ...(fused.bias ? { bias: fused.bias } : {}),
            activation: fused.relu6 ? 'relu6' : 'linear',
          });
    const d = this.dilation;
    if (d === 1) return conv(x, this.stride);
    if (tf.getBackend() !== 'tensorflow') {
      // Unfused: the registered dilated gradient is `DepthwiseConv2dNative`'s, not the fused op's.
      let y = tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', [d, d]);
      if (fused.bias) y = tf.add(y, fused.bias);
      return fused.relu6 ? tf.relu6(y) : y;
    }
    // Zero rows/columns that round H and W up to multiples of d are exactly the zero padding
    // 'same' would add there, so they are cropped off afterwards without changing any output.
    const [, h, wd] = x.shape;
    const ph = (d - (h % d)) % d;
    const pw = (d - (wd % d)) % d;
    const sub = tf.spaceToBatchND(
      x,
      [d, d],
      [
        [0, ph],
        [0, pw],
      ],
    ) as tf.Tensor4D;
    // Bias and ReLU6 act per position, so they may run on the sub-images.
    const y = conv(sub, 1);
    return tf.batchToSpaceND(
      y,
      [d, d],
      [
        [0, ph],
        [0, pw],
      ],
    ) as tf.Tensor4D;
  }
}

/**
 * Batch normalisation over `[B, H, W]`: batch statistics when training (and an exponential
 * update of the running statistics), running statistics otherwise — so a frozen teacher is
 * deterministic and independent of its batch.
 */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
  constructor(
    store: ParamStore,
    readonly name: string,
    readonly channels: number,
    readonly momentum = 0.1,
    readonly epsilon = 1e-5,
  ) {
    this.gamma = store.create(`${name}/gamma`, [channels], { kind: 'ones' });
    this.beta = store.create(`${name}/beta`, [channels], { kind: 'zeros' });
    this.mean = store.create(`${name}/running_mean`, [channels], { kind: 'zeros' }, false);
    this.variance = store.create(`${name}/running_var`, [channels], { kind: 'ones' }, false);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) {
      return tf.batchNorm(
        x,
        this.mean,
        this.variance,
        this.beta,
        this.gamma,
        this.epsilon,
      ) as tf.Tensor4D;
    }
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const m = this.momentum;
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    const unbiased = n > 1 ? n / (n - 1) : 1;
    // Running statistics are state, not parameters: update them from detached copies.
    const meanValue = tf.tensor(mean.dataSync(), mean.shape);
    const varValue = tf.tensor(variance.dataSync(), variance.shape);
    this.mean.assign(tf.add(tf.mul(this.mean, 1 - m), tf.mul(meanValue, m)));
    this.variance.assign(tf.add(tf.mul(this.variance, 1 - m), tf.mul(varValue, m * unbiased)));
    return tf.batchNorm(x, mean, variance, this.beta, this.gamma, this.epsilon) as tf.Tensor4D;
  }
}

/** Fully connected layer `[N, in]` → `[N, out]`. */
export class Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(
    store: ParamStore,
    readonly name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    init: 'he' | { std: number } = 'he',
  ) {
    this.w = store.create(
      `${name}/w`,
      [inFeatures, outFeatures],
      init === 'he' ? { kind: 'heNormal', fanIn: inFeatures } : { kind: 'normal', std: init.std },
    );
    this.b = store.create(`${name}/b`, [outFeatures], { kind: 'zeros' });
  }
  apply(x: tf.Tensor2D, activation?: 'relu'): tf.Tensor2D {
    const y = tf.add(tf.matMul(x, this.w as tf.Tensor2D), this.b) as tf.Tensor2D;
    return activation === 'relu' ? relu(y) : y;
  }
}
