// `@kd/distill/testing`: run configs small enough to train a few steps in a test, shared by the tests
// of @kd/distill and @kd/cli.
import * as E from 'fp-ts/lib/Either.js';
import { decodeRunConfig, type RunConfig } from './runConfig.js';

/** A detector small enough to train a few steps in a test: VGG16-style at `width`, 8-channel RPN. */
export const tinyDetector = (width: number, seed: number) => ({
  backbone: { name: 'vgg16', widthMultiplier: width, outputStride: 8 },
  anchors: { baseSize: 8, ratios: [1], scales: [2, 4] },
  rpn: {
    channels: 8,
    preNmsTopNTrain: 100,
    postNmsTopNTrain: 32,
    preNmsTopNTest: 50,
    postNmsTopNTest: 16,
    batchSizePerImage: 32,
  },
  roiHead: { fcDims: [16], batchSizePerImage: 16, outputSize: 3 },
  seed,
});

/** A run config decoded like a user's file; throws with the decoder's message. */
export const testRunConfig = (value: unknown): RunConfig => {
  const r = decodeRunConfig(value, 'test');
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};
