import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOutputFolder, writeFolderAtomically } from '@kd/data-voc-coco-kitti';
import { decodeRunConfig, type RunConfig } from '@kd/distill';
import {
  DETECTOR_FORMAT,
  DETECTOR_FORMAT_VERSION,
  type DetectorManifest,
  decodeDetectorManifest,
  detectorArtifacts,
  type FasterRcnn,
  loadFasterRcnn,
  type WeightQuantization,
  writeModelArtifacts,
} from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/** What `runTraining` records in a checkpoint's `extra` and an export needs. */
const TrainedExtraCodec = t.type({
  config: t.unknown,
  classNames: t.array(t.string),
  minSize: t.number,
  maxSize: t.number,
});

/** `@kd/data-voc-coco-kitti`'s `normalizeImage` defaults, which every kd pipeline trains with. */
const TRAINING_NORMALIZATION = {
  inputScale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
} as const;

export interface ExportedDetector {
  /** The checkpoint's model (caller disposes). */
  readonly model: FasterRcnn;
  readonly manifest: DetectorManifest;
  /** The run config the checkpoint was trained with (for its dataset). */
  readonly runConfig: RunConfig;
  /** Bytes of `weights.bin`. */
  readonly weightBytes: number;
}

/**
 * Writes the detector of a kd checkpoint to `out` (`model.json` + `weights.bin`, TensorFlow.js
 * weights format, see `detectorArtifacts`) and the sidecar to `out/detector.json`. Only the
 * model's own parameters are written: optimiser slots and the adaptation layers a distillation
 * checkpoint also holds are dropped, and no teacher is ever part of a student checkpoint.
 * The folder is written atomically: an existing non-empty `out` is refused (nothing is read or
 * written) unless `options.force`, and a failure leaves whatever was at `out` as it was.
 */
export async function exportDetector(
  checkpointDir: string,
  out: string,
  options: {
    readonly quantization: WeightQuantization;
    readonly scoreThreshold: number;
    /** Replace an existing non-empty `out` (never a file). */
    readonly force?: boolean;
  },
): Promise<ExportedDetector> {
  const replace = options.force ? 'force' : 'never';
  assertOutputFolder(out, replace);
  const { model, checkpoint } = await loadFasterRcnn(checkpointDir);
  tf.dispose(Object.values(checkpoint.extraWeights));
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
  try {
    const source = `${join(checkpointDir, 'model.json')} (userDefinedMetadata.extra)`;
    const extra = TrainedExtraCodec.decode(checkpoint.metadata.extra);
    if (E.isLeft(extra))
      throw new Error(`${source}: no class names / input size recorded (not written by kd train)`);
    const runConfig = decodeRunConfig(extra.right.config, `${source}.config`);
    if (E.isLeft(runConfig)) throw new Error(runConfig.left);
    const manifest = decodeDetectorManifest(
      {
        format: DETECTOR_FORMAT,
        version: DETECTOR_FORMAT_VERSION,
        classes: extra.right.classNames,
        input: { minSize: extra.right.minSize, maxSize: extra.right.maxSize },
        normalization: TRAINING_NORMALIZATION,
        scoreThreshold: options.scoreThreshold,
        weights: { quantization: options.quantization },
        source: { checkpoint: checkpointDir, step: checkpoint.metadata.step },
      },
      'kd export',
    );
    if (E.isLeft(manifest)) throw new Error(manifest.left);
    const artifacts = await detectorArtifacts(model, manifest.right);
    await writeFolderAtomically(
      out,
      (tmp) => {
        writeModelArtifacts(tmp, artifacts);
        writeFileSync(join(tmp, 'detector.json'), `${JSON.stringify(manifest.right, null, 2)}\n`);
      },
      replace,
    );
    return {
      model,
      manifest: manifest.right,
      runConfig: runConfig.right,
      weightBytes: (artifacts.weightData as ArrayBuffer).byteLength,
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
