import { relu6 } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { type FoldedConv, foldBatchNorm } from '../layers/foldBatchNorm.js';
import { BatchNorm, Conv2d, DepthwiseConv2d } from '../layers/layers.js';
import type { ParamStore } from '../layers/ParamStore.js';
import {
  type Backbone,
  type BackboneForward,
  type BackboneLayer,
  scaleChannels,
} from './Backbone.js';

function bn(store: ParamStore, name: string, channels: number): BatchNorm {
  return new BatchNorm(store, name, channels, 0.1, MOBILENETV2_BN_EPSILON);
}

/** One inverted-residual block: its layers (with their strides and dilations) and whether it adds its input. */
export interface InvertedResidual {
  readonly name: string;
  readonly expand?: { conv: Conv2d; bn: BatchNorm };
  readonly dw: DepthwiseConv2d;
  readonly dwBn: BatchNorm;
  readonly project: Conv2d;
  readonly projectBn: BatchNorm;
  readonly residual: boolean;
}

/** (expansion t, channels c, repeats n, first stride s) of MobileNetV2's stages up to stride 16. */
export const MOBILENETV2_STAGES: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
];

/**
 * Batch-norm epsilon of the published network (Keras `keras.applications.MobileNetV2` and TF-slim):
 * ImageNet statistics only mean what they meant with this epsilon.
 */
export const MOBILENETV2_BN_EPSILON = 1e-3;

export interface MobileNetV2Options {
  /**
   * 16 (published) or 8: the stride-2 depthwise of the 64-channel stage runs at stride 1 and every
   * later depthwise is dilated ×2 (DeepLab's atrous MobileNetV2), so ImageNet weights keep their
   * receptive fields on a map twice as fine. 4: the 32-channel stage gives up its stride as
   * well (every depthwise from `block2.1` on dilated, ×4 from `block3.1`): a map as fine as a
   * teacher's at twice the input size. Default 16.
   */
  readonly outputStride?: 4 | 8 | 16;
  /**
   * Batch norm in inference mode while training: the running (ImageNet) statistics normalise and
   * are not updated; γ and β still train. For small detection batches, whose statistics are noisy.
   */
  readonly frozenBatchNorm?: boolean;
  /**
   * The first N entries of {@link MobileNetV2.layers} (`stem`, `block0`, …, `block4`) are not
   * trained: their parameters leave `ParamStore.trainable()` (still loaded and saved) and their
   * batch norms stay in inference mode, so the backward pass stops above them. torchvision's
   * `trainable_backbone_layers`, detectron2's `FREEZE_AT` (1 = the stem, 2 = stem + `block0`, …).
   * 0 to 6, default 0.
   */
  readonly frozenStages?: number;
  /**
   * How many of the inverted-residual stages (`block0` … `block4`) the trunk keeps: 5 (default)
   * ends at `block4` (96 channels); 4 at `block3` (64 channels); 3 at `block2` (32 channels,
   * natively at stride 8, so `outputStride` must be 8, or 4 to dilate it). A shallower trunk is the cheap student of a
   * deeper teacher (torchvision cuts its detection trunks the same way, at a named layer).
   */
  readonly stages?: 3 | 4 | 5;
}

/**
 * MobileNetV2 (Sandler et al. 2018) up to the stride-16 stage (96 channels at width 1.0), i.e.
 * Keras's `block_12_add`, or fewer stages (`stages`). Parameter names map one to one onto Keras's layers
 * (see `pretrained/mobileNetV2KerasNames.ts`), so ImageNet weights load at width 1.0, at either
 * output stride.
 */
export class MobileNetV2 implements Backbone {
  readonly name = 'mobilenetv2';
  readonly stride: 4 | 8 | 16;
  readonly outChannels: number;
  readonly layers: readonly BackboneLayer[];
  /** Read by the benchmark's PyTorch reference, which rebuilds the network layer by layer. */
  readonly stem: { readonly conv: Conv2d; readonly bn: BatchNorm };
  readonly blocks: readonly InvertedResidual[];
  readonly frozenBatchNorm: boolean;
  /** Stage names (`stem`, `block0`, …) whose parameters are frozen. */
  private readonly frozen: ReadonlySet<string>;
  /**
   * Batch norms folded into their convolutions, for forwards that need no gradient through them:
   * kept until a source weight is reassigned (an optimiser step or a checkpoint load gives a
   * variable a new `dataId`) or {@link dispose}.
   */
  private readonly folds = new Map<
    Conv2d | DepthwiseConv2d,
    { readonly sources: readonly object[]; readonly folded: FoldedConv }
  >();

  constructor(store: ParamStore, widthMultiplier = 1, options: MobileNetV2Options = {}) {
    const c = (n: number) => scaleChannels(n, widthMultiplier);
    this.stride = options.outputStride ?? 16;
    this.frozenBatchNorm = options.frozenBatchNorm ?? false;
    const stages = options.stages ?? MOBILENETV2_STAGES.length;
    if (![3, 4, 5].includes(stages))
      throw new Error(`mobilenetv2: stages must be 3, 4 or 5, got ${stages}`);
    if (stages === 3 && this.stride === 16)
      throw new Error(
        'mobilenetv2: a trunk of 3 stages ends at stride 8: outputStride must be 8 (or 4)',
      );
    this.stem = {
      conv: new Conv2d(store, 'backbone/stem/conv', 3, {
        filters: c(32),
        kernel: 3,
        stride: 2,
        bias: false,
      }),
      bn: bn(store, 'backbone/stem/bn', c(32)),
    };
    let cin = c(32);
    let stride = 2;
    // Once the output stride is reached, further stride-2 steps become dilation.
    let dilation = 1;
    const blocks: InvertedResidual[] = [];
    const layers: BackboneLayer[] = [{ name: 'stem', stride, channels: cin }];
    MOBILENETV2_STAGES.slice(0, stages).forEach(([t, ch, n, s], stage) => {
      const cout = c(ch);
      for (let i = 0; i < n; i++) {
        const dilate = i === 0 && s === 2 && stride * 2 > this.stride;
        const bs = i === 0 && !dilate ? s : 1;
        // The block that gives up its stride keeps the current dilation (its taps still sample
        // the grid its weights were trained on); the blocks after it dilate.
        const blockDilation = dilation;
        if (dilate) dilation *= 2;
        const name = `block${stage}.${i}`;
        const p = `backbone/${name}`;
        const hidden = cin * t;
        blocks.push({
          name,
          ...(t !== 1
            ? {
                expand: {
                  conv: new Conv2d(store, `${p}/expand`, cin, {
                    filters: hidden,
                    kernel: 1,
                    bias: false,
                  }),
                  bn: bn(store, `${p}/expand_bn`, hidden),
                },
              }
            : {}),
          dw: new DepthwiseConv2d(
            store,
            `${p}/dw`,
            hidden,
            3,
            bs,
            i === 0 ? blockDilation : dilation,
          ),
          dwBn: bn(store, `${p}/dw_bn`, hidden),
          project: new Conv2d(store, `${p}/project`, hidden, {
            filters: cout,
            kernel: 1,
            bias: false,
          }),
          projectBn: bn(store, `${p}/project_bn`, cout),
          residual: bs === 1 && cin === cout,
        });
        cin = cout;
        stride *= bs;
      }
      layers.push({ name: `block${stage}`, stride, channels: cin });
    });
    this.blocks = blocks;
    this.layers = layers;
    this.outChannels = cin;
    const frozenStages = options.frozenStages ?? 0;
    if (!Number.isInteger(frozenStages) || frozenStages < 0 || frozenStages > layers.length)
      throw new Error(
        `mobilenetv2: frozenStages must be an integer from 0 to ${layers.length}, got ${frozenStages}`,
      );
    this.frozen = new Set(layers.slice(0, frozenStages).map((l) => l.name));
    const prefixes = [...this.frozen].map((stage) =>
      stage === 'stem' ? 'backbone/stem/' : `backbone/${stage}.`,
    );
    store.freeze(store.names().filter((n) => prefixes.some((p) => n.startsWith(p))));
  }

  /**
   * @param options.foldFrozenBatchNorm with `frozenBatchNorm`, while training: each batch norm
   *   folded into its convolution on the gradient tape (`conv(x, w·s) + (β − μ·s)`,
   *   `s = γ/√(σ² + ε)`), so that neither pass runs a batch-norm kernel over the map while w, γ
   *   and β still receive their gradients through the fold. `false` runs convolution → batch-norm
   *   kernel, the reference it equals up to float32 rounding (tests and benchmarks). Default true.
   */
  forward(
    images: tf.Tensor4D,
    options: {
      readonly training: boolean;
      readonly collect?: readonly string[];
      readonly foldFrozenBatchNorm?: boolean;
    },
  ): BackboneForward {
    const training = options.training && !this.frozenBatchNorm;
    const collect = new Set(options.collect ?? []);
    const features: Record<string, tf.Tensor4D> = {};
    // Stages that need no gradient (inference, or frozen while training) run with their batch
    // norms folded into the convolutions: one batch-norm kernel fewer per convolution.
    const folded = (stage: string) => !options.training || this.frozen.has(stage);
    // Trained stages with frozen batch norm fold on every step (the weights change each step), on
    // the tape; ReLU6 stays outside the fused convolution, whose gradient has no ReLU6.
    const foldOnTape =
      options.training && this.frozenBatchNorm && (options.foldFrozenBatchNorm ?? true);
    const convBn = (conv: Conv2d, bn: BatchNorm, x: tf.Tensor4D, stage: string, act: boolean) => {
      if (folded(stage)) {
        const f = this.fold(conv, bn);
        return conv.applyFolded(x, f.w, f.b, act ? 'relu6' : 'linear');
      }
      if (foldOnTape) {
        const f = foldBatchNorm(conv.w as tf.Tensor4D, bn, false);
        const y = conv.applyFolded(x, f.w, f.b, 'linear');
        return act ? relu6(y) : y;
      }
      // A frozen stage's batch norms keep their running statistics, as detectron2's FrozenBatchNorm.
      const y = bn.apply(conv.apply(x), training);
      return act ? relu6(y) : y;
    };
    let x = convBn(this.stem.conv, this.stem.bn, images, 'stem', true);
    if (collect.has('stem')) features.stem = x;
    this.blocks.forEach((b, i) => {
      const stage = b.name.split('.')[0]!;
      let y = x;
      if (b.expand) y = convBn(b.expand.conv, b.expand.bn, y, stage, true);
      if (folded(stage)) {
        const f = this.fold(b.dw, b.dwBn);
        y = b.dw.apply(y, { weight: f.w, bias: f.b, relu6: true });
      } else if (foldOnTape) {
        const f = foldBatchNorm(b.dw.w as tf.Tensor4D, b.dwBn, true);
        y = relu6(b.dw.apply(y, { weight: f.w, bias: f.b }));
      } else y = relu6(b.dwBn.apply(b.dw.apply(y), training));
      y = convBn(b.project, b.projectBn, y, stage, false);
      x = b.residual ? tf.add(x, y) : y;
      const next = this.blocks[i + 1];
      if (collect.has(stage) && (!next || next.name.split('.')[0] !== stage)) features[stage] = x;
    });
    return { output: x, features };
  }

  /** `conv` with `bn` folded in, from the cache unless one of their weights was reassigned. */
  private fold(conv: Conv2d | DepthwiseConv2d, bn: BatchNorm): FoldedConv {
    const sources = [conv.w, bn.gamma, bn.beta, bn.mean, bn.variance].map((v) => v.dataId);
    const cached = this.folds.get(conv);
    if (cached?.sources.every((id, i) => id === sources[i])) return cached.folded;
    if (cached) tf.dispose([cached.folded.w, cached.folded.b]);
    const f = foldBatchNorm(conv.w as tf.Tensor4D, bn, conv instanceof DepthwiseConv2d);
    // Kept past any enclosing tidy: the cache owns them.
    const folded = { w: tf.keep(f.w), b: tf.keep(f.b) };
    this.folds.set(conv, { sources, folded });
    return folded;
  }

  /** Frees the folded weights (the parameters themselves belong to the model's store). */
  dispose(): void {
    for (const { folded } of this.folds.values()) tf.dispose([folded.w, folded.b]);
    this.folds.clear();
  }
}
