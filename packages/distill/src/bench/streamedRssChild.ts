// One short training run in its own process, for streamedRssBench: prints its peak RSS as JSON.
// Usage: node streamedRssChild.js <dataset root> <train images> <run dir> <steps>
import { initBackend } from '@kd/tensor-ops';
import * as E from 'fp-ts/lib/Either.js';
import { decodeRunConfig } from '../runConfig.js';
import { runTraining } from '../runTraining.js';

const [root, trainImages, runDir, steps] = process.argv.slice(2);
await initBackend({ backend: 'wasm' });
const config = decodeRunConfig(
  {
    dataset: {
      format: 'shapes',
      root,
      seed: 11,
      trainImages: Number(trainImages),
      testImages: 16,
      imageSize: 96,
    },
    model: {
      detector: {
        backbone: { name: 'vgg16', widthMultiplier: 0.0625, outputStride: 8 },
        anchors: { baseSize: 8, ratios: [1], scales: [2, 4] },
        rpn: { channels: 8, preNmsTopNTrain: 100, postNmsTopNTrain: 32, batchSizePerImage: 32 },
        roiHead: { fcDims: [16], batchSizePerImage: 16, outputSize: 3 },
        seed: 1,
      },
    },
    optim: { steps: Number(steps), batchSize: 4, lr: 0.01, checkpointEvery: Number(steps) },
  },
  'streamedRssChild',
);
if (E.isLeft(config)) throw new Error(config.left);
const started = Date.now();
const r = await runTraining({ config: config.right, runDir: runDir! });
r.model.dispose();
process.stdout.write(
  `${JSON.stringify({ trainImages: Number(trainImages), steps: r.steps, seconds: (Date.now() - started) / 1000, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
