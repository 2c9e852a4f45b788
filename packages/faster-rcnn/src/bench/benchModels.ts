import { type FasterRcnnConfig, fasterRcnnConfig } from '../config/fasterRcnnConfig.js';

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
