// `@kd/distill/testing`: run configs small enough to train a few steps in a test, shared by the tests
// of @kd/distill and @kd/cli.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FasterRcnn, loadFasterRcnn } from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
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

/** A checkpoint's model alone: its optimiser slots and extra weights are freed. */
export async function loadModelOnly(checkpoint: string): Promise<FasterRcnn> {
  const { model, checkpoint: c } = await loadFasterRcnn(checkpoint);
  tf.dispose([...c.optimizerWeights.map((w) => w.tensor), ...Object.values(c.extraWeights)]);
  return model;
}

/** Largest absolute difference between two models' parameters of the same names. */
export function maxParameterDifference(a: FasterRcnn, b: FasterRcnn): number {
  let worst = 0;
  for (const [name, v] of a.params.entries()) {
    const x = v.dataSync();
    const y = b.params.get(name).dataSync();
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  }
  return worst;
}

/** A run folder's logged training steps (the `metrics.jsonl` lines with a `loss`), in order. */
export function stepLines(runDir: string): Record<string, number>[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((l) => l.loss !== undefined);
}
