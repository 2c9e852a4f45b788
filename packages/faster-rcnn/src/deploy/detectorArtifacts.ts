import type * as tf from '@tensorflow/tfjs-core';
import type { FasterRcnn } from '../model/FasterRcnn.js';
import {
  DETECTOR_FORMAT,
  type DetectorManifest,
  type WeightQuantization,
} from './detectorManifest.js';
import { encodeDetectorWeights } from './encodeDetectorWeights.js';

/**
 * The TensorFlow.js model artifacts of a detector export: the model's own parameters only (no
 * optimiser state, adaptation layers or teacher), optionally quantised, with the detector config
 * as `modelTopology` and the sidecar as `userDefinedMetadata.kdDetector`. Save them through any
 * tfjs `IOHandler` (a folder in Node, `tf.io.browserDownloads` in a page).
 *
 * The detector is not a `tf.LayersModel` nor a graph model (its proposal and NMS steps run on the
 * host), so `tf.loadLayersModel` / `tf.loadGraphModel` cannot load it: use `loadDetector`.
 */
export async function detectorArtifacts(
  model: FasterRcnn,
  manifest: DetectorManifest,
): Promise<tf.io.ModelArtifacts> {
  const weights = await Promise.all(
    model.params.entries().map(async ([name, v]) => ({
      name,
      shape: v.shape,
      values: (await v.data()) as Float32Array,
    })),
  );
  const quantization: WeightQuantization = manifest.weights.quantization;
  const { data, specs } = encodeDetectorWeights(weights, quantization);
  return {
    format: DETECTOR_FORMAT,
    generatedBy: '@kd/faster-rcnn',
    modelTopology: { kdFormat: DETECTOR_FORMAT, config: model.config } as unknown as object,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: { kdDetector: manifest as unknown as object },
  };
}
