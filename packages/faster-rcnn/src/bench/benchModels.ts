import { type FasterRcnnConfig, fasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import type { FasterRcnn } from '../model/FasterRcnn.js';

/** Image side of the benchmark: the embedded shapes dataset's 128×128 images. */
export const BENCH_IMAGE_SIZE = 128;
/** Classes of the embedded shapes dataset. */
export const BENCH_NUM_CLASSES = 6;

/** Settings shared by teacher and student: stride-8 feature maps (16×16) for 128-pixel images. */
const common = {
  numClasses: BENCH_NUM_CLASSES,
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [2, 4, 8] },
  rpn: {
    batchSizePerImage: 256,
    preNmsTopNTrain: 2000,
    postNmsTopNTrain: 512,
    preNmsTopNTest: 1000,
    postNmsTopNTest: 300,
  },
  roiHead: { batchSizePerImage: 128, outputSize: 7, samplingRatio: 2, aligned: true },
} as const;

/** The benchmark's teacher (VGG16 at half width) and student (AlexNet at half width). */
export function benchConfigs(): Record<'teacher' | 'student', FasterRcnnConfig> {
  return {
    teacher: fasterRcnnConfig({
      ...common,
      backbone: { name: 'vgg16', widthMultiplier: 0.5, outputStride: 8 },
      rpn: { ...common.rpn, channels: 256 },
      roiHead: { ...common.roiHead, fcDims: [512, 512] },
    }),
    student: fasterRcnnConfig({
      ...common,
      backbone: { name: 'alexnet', widthMultiplier: 0.5, outputStride: 8 },
      rpn: { ...common.rpn, channels: 128 },
      roiHead: { ...common.roiHead, fcDims: [256, 256] },
    }),
  };
}

/** One backbone step as the PyTorch reference builds it. */
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

/** Max-pool window of the sequential backbones (VGG: 2×2, AlexNet / VGG-M: 3×3). */
const POOL_KERNEL: Readonly<Record<string, number>> = { vgg16: 2, alexnet: 3, vggm: 3 };

/**
 * What `bench/faster_rcnn_reference.py` needs to build the same network: the backbone read off the
 * kd model (layer names, strides and weight shapes), the head sizes, the sampling settings and the
 * anchors of the benchmark's feature grid.
 */
export function referenceSpec(model: FasterRcnn, learningRate: number): Record<string, unknown> {
  const cfg = model.config;
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
  const grid = BENCH_IMAGE_SIZE / model.stride;
  return {
    backbone: steps,
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
    learningRate,
    anchors: Array.from(model.anchors(grid, grid)),
  };
}
