import { MobileNetV2 } from '../backbones/MobileNetV2.js';
import type { FasterRcnn } from '../model/FasterRcnn.js';

/** One step of a sequential (VGG / AlexNet / VGG-M) backbone as the PyTorch reference builds it. */
export type ReferenceStep =
  | {
      readonly type: 'conv';
      readonly name: string;
      readonly kernel: number;
      readonly stride: number;
      readonly cin: number;
      readonly cout: number;
    }
  | {
      readonly type: 'pool';
      readonly name: string;
      readonly kernel: number;
      readonly stride: number;
    };

/** One inverted-residual block of a MobileNetV2 backbone (3×3 depthwise, no conv biases). */
export interface ReferenceBlock {
  readonly name: string;
  /** The stage (`block3`): a hint layer names the output of its last block. */
  readonly stage: string;
  readonly cin: number;
  /** Channels of the depthwise convolution (`cin × t`, or `cin` without an expansion conv). */
  readonly hidden: number;
  readonly cout: number;
  readonly expand: boolean;
  readonly stride: number;
  readonly dilation: number;
  readonly residual: boolean;
  /** Frozen (`backbone.frozenStages`): its parameters get no gradient. */
  readonly frozen: boolean;
}

/** The backbone of a reference spec: read off the kd model, layer by layer. */
export type ReferenceBackbone =
  | { readonly type: 'sequential'; readonly steps: readonly ReferenceStep[] }
  | {
      readonly type: 'mobilenetv2';
      /** Stem: 3×3 stride-2 conv 3 → `stem` channels, batch norm, ReLU6. */
      readonly stem: number;
      readonly stemFrozen: boolean;
      readonly blocks: readonly ReferenceBlock[];
      readonly frozenBatchNorm: boolean;
      readonly bnEpsilon: number;
    };

/**
 * What `faster-rcnn/bench/faster_rcnn_reference.py` needs to build the same detector in PyTorch:
 * the backbone read off the kd model, the head sizes, the sampling and inference settings and the
 * anchors of the feature grid of `imageSize`-pixel square images.
 */
export interface ReferenceSpec {
  readonly backbone: ReferenceBackbone;
  readonly stride: number;
  readonly featChannels: number;
  readonly numAnchors: number;
  readonly numClasses: number;
  readonly rpnChannels: number;
  readonly fcDims: readonly number[];
  readonly outputSize: number;
  readonly samplingRatio: number;
  readonly aligned: boolean;
  readonly rpn: FasterRcnn['config']['rpn'];
  readonly roiHead: FasterRcnn['config']['roiHead'];
  readonly inference: FasterRcnn['config']['inference'];
  readonly learningRate: number;
  readonly weightDecay: number;
  /** Gradients are rescaled to this global norm when above it (kd's `clipGradNorm`). */
  readonly clipGradNorm?: number;
  /** A distillation step instead of a training step (`@kd/distill`'s `distillStep`). */
  readonly distill?: ReferenceDistillation;
  /** Flat `[K × 4]` anchors of the `imageSize / stride` grid, in the kd model's row order. */
  readonly anchors: readonly number[];
}

/** The distillation of a student spec: its frozen teacher, the hint and the objective's constants. */
export interface ReferenceDistillation {
  /** The teacher, its anchors on the grid of `teacherImageSize`-pixel images. */
  readonly teacher: ReferenceSpec;
  /**
   * The teacher's input (square, pixels): the student's images resized to it, the RoIs and the
   * student's anchors scaled by `teacherImageSize / imageSize` for the teacher (kd's
   * `forwardOnRows` with `scale`). Equal to the student's size when the teacher shares it.
   */
  readonly teacherImageSize: number;
  readonly hint: {
    /** Backbone layers (sequential conv name or MobileNetV2 stage) of the guided and hint maps. */
    readonly studentLayer: string;
    readonly teacherLayer: string;
    /** The adaptation convolution `kernel × kernel`, `cin → cout`, applied to the student's map. */
    readonly adaptation: {
      readonly kernel: number;
      readonly cin: number;
      readonly cout: number;
      readonly bias: boolean;
    };
    /** How the adapted map reaches the teacher's size (`identity` or `bilinear`). */
    readonly resample: string;
    readonly normalize: 'none' | 'channelL2';
  };
  /** The paper objective's constants (see `paperObjective` of `@kd/losses`). */
  readonly objective: {
    readonly mu: number;
    readonly lambda: number;
    readonly gamma: number;
    readonly nu: number;
    readonly margin: number;
    readonly temperature: number;
    readonly scaleByTemperatureSquared: boolean;
    readonly backgroundWeight: number;
  };
}

/** Max-pool window of the sequential backbones (VGG: 2×2, AlexNet / VGG-M: 3×3). */
const POOL_KERNEL: Readonly<Record<string, number>> = { vgg16: 2, alexnet: 3, vggm: 3 };

function sequentialSteps(model: FasterRcnn): ReferenceStep[] {
  const poolKernel = POOL_KERNEL[model.backbone.name];
  if (poolKernel === undefined) {
    throw new Error(`bench: the PyTorch reference has no '${model.backbone.name}' backbone`);
  }
  const steps: ReferenceStep[] = [];
  let stride = 1;
  for (const layer of model.backbone.layers) {
    const step = layer.stride / stride;
    stride = layer.stride;
    const w = `backbone/${layer.name}/w`;
    if (model.params.has(w)) {
      const [k, , cin, cout] = model.params.get(w).shape as [number, number, number, number];
      steps.push({ type: 'conv', name: layer.name, kernel: k, stride: step, cin, cout });
    } else if (layer.name.startsWith('pool')) {
      steps.push({ type: 'pool', name: layer.name, kernel: poolKernel, stride: step });
    } else {
      throw new Error(`bench: layer '${layer.name}' is neither a plain conv nor a pool`);
    }
  }
  return steps;
}

function mobileNetV2Spec(b: MobileNetV2, model: FasterRcnn): ReferenceBackbone {
  const frozen = (conv: { readonly name: string }) => !model.params.isTrainable(`${conv.name}/w`);
  return {
    type: 'mobilenetv2',
    stem: b.stem.conv.spec.filters,
    stemFrozen: frozen(b.stem.conv),
    blocks: b.blocks.map((x) => ({
      name: x.name,
      stage: x.name.split('.')[0]!,
      cin: x.expand ? x.expand.conv.inChannels : x.dw.channels,
      hidden: x.dw.channels,
      cout: x.project.spec.filters,
      expand: x.expand !== undefined,
      stride: x.dw.stride,
      dilation: x.dw.dilation,
      residual: x.residual,
      frozen: frozen(x.dw),
    })),
    frozenBatchNorm: b.frozenBatchNorm,
    bnEpsilon: b.stem.bn.epsilon,
  };
}

/** The PyTorch reference's description of `model` (see {@link ReferenceSpec}). */
export function referenceSpec(
  model: FasterRcnn,
  o: {
    readonly learningRate: number;
    readonly imageSize: number;
    readonly weightDecay?: number;
    readonly clipGradNorm?: number;
  },
): ReferenceSpec {
  const cfg = model.config;
  const backbone: ReferenceBackbone =
    model.backbone instanceof MobileNetV2
      ? mobileNetV2Spec(model.backbone, model)
      : { type: 'sequential', steps: sequentialSteps(model) };
  const grid = Math.ceil(o.imageSize / model.stride);
  return {
    backbone,
    stride: model.stride,
    featChannels: model.backbone.outChannels,
    numAnchors: cfg.anchors.ratios.length * cfg.anchors.scales.length,
    numClasses: cfg.numClasses,
    rpnChannels: cfg.rpn.channels,
    fcDims: cfg.roiHead.fcDims,
    outputSize: cfg.roiHead.outputSize,
    samplingRatio: cfg.roiHead.samplingRatio,
    aligned: cfg.roiHead.aligned,
    rpn: cfg.rpn,
    roiHead: cfg.roiHead,
    inference: cfg.inference,
    learningRate: o.learningRate,
    weightDecay: o.weightDecay ?? 1e-4,
    ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
    anchors: Array.from(model.anchors(grid, grid)),
  };
}

const batchNorm = (c: number) => 4 * c;

/**
 * Parameters of the network the reference builds from `spec`, counted the way it builds its layers
 * (batch-norm running statistics included, as kd's `numParameters` counts them).
 */
export function referenceParameterCount(spec: ReferenceSpec): number {
  let n = 0;
  const b = spec.backbone;
  if (b.type === 'sequential') {
    for (const s of b.steps)
      if (s.type === 'conv') n += s.kernel * s.kernel * s.cin * s.cout + s.cout;
  } else {
    n += 27 * b.stem + batchNorm(b.stem);
    for (const x of b.blocks) {
      if (x.expand) n += x.cin * x.hidden + batchNorm(x.hidden);
      n += 9 * x.hidden + batchNorm(x.hidden);
      n += x.hidden * x.cout + batchNorm(x.cout);
    }
  }
  const c = spec.featChannels;
  const r = spec.rpnChannels;
  n += 9 * c * r + r + r * 2 * spec.numAnchors + 2 * spec.numAnchors;
  n += r * 4 * spec.numAnchors + 4 * spec.numAnchors;
  let d = spec.outputSize * spec.outputSize * c;
  for (const dim of spec.fcDims) {
    n += d * dim + dim;
    d = dim;
  }
  n += d * (spec.numClasses + 1) + spec.numClasses + 1;
  n += d * 4 * (spec.numClasses + 1) + 4 * (spec.numClasses + 1);
  return n;
}

/** Output side of a TF 'same' convolution or pool (what kd computes, and the reference matches). */
const out = (size: number, stride: number) => Math.ceil(size / stride);

/**
 * Multiply-accumulates of the reference backbone's convolutions on one `size × size` image, and its
 * output side: what `backboneMacs` must measure on the kd model.
 */
export function referenceBackboneMacs(
  spec: ReferenceSpec,
  size: number,
): { macs: number; side: number } {
  const b = spec.backbone;
  let s = size;
  let macs = 0;
  if (b.type === 'sequential') {
    for (const x of b.steps) {
      s = out(s, x.stride);
      if (x.type === 'conv') macs += s * s * x.cout * x.kernel * x.kernel * x.cin;
    }
  } else {
    s = out(s, 2);
    macs += s * s * b.stem * 27;
    for (const x of b.blocks) {
      if (x.expand) macs += s * s * x.cin * x.hidden;
      s = out(s, x.stride);
      macs += s * s * x.hidden * 9 + s * s * x.hidden * x.cout;
    }
  }
  return { macs, side: s };
}
