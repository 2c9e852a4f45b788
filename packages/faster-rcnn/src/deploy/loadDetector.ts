import { formatDecodeErrors } from '@kd/codecs';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decodeFasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { Detector } from './Detector.js';
import { DETECTOR_FORMAT, decodeDetectorManifest } from './detectorManifest.js';

const TopologyCodec = t.type({ kdFormat: t.literal(DETECTOR_FORMAT), config: t.unknown });

/**
 * Loads a detector export (see `detectorArtifacts`) and returns it ready to `detect`.
 * Browser-safe: `source` is a URL of the export's `model.json` (fetched with `tf.io.http`) or any
 * tfjs `IOHandler` (in Node the folder handler of `@kd/faster-rcnn`; in a page
 * `tf.io.browserFiles([modelJson, weightsBin])` for files the user dropped). The sidecar and the
 * topology are validated with io-ts; quantised weights are dequantised by `tf.io.decodeWeights`.
 */
export async function loadDetector(source: string | tf.io.IOHandler): Promise<Detector> {
  const name = typeof source === 'string' ? source : 'detector export';
  const handler = typeof source === 'string' ? tf.io.http(source) : source;
  if (!handler.load) throw new Error(`${name}: this IOHandler cannot load`);
  const artifacts = await handler.load();
  const topology = TopologyCodec.decode(artifacts.modelTopology);
  if (E.isLeft(topology)) {
    throw new Error(
      `${name} (modelTopology): not a kd detector export (tf.loadLayersModel/loadGraphModel exports are not supported)\n  ${formatDecodeErrors(topology.left, undefined).join('\n  ')}`,
    );
  }
  const config = decodeFasterRcnnConfig(topology.right.config, `${name} (modelTopology.config)`);
  if (E.isLeft(config)) throw new Error(config.left);
  const manifest = decodeDetectorManifest(
    (artifacts.userDefinedMetadata as Record<string, unknown> | undefined)?.kdDetector,
    `${name} (userDefinedMetadata.kdDetector)`,
  );
  if (E.isLeft(manifest)) throw new Error(manifest.left);
  if (manifest.right.classes.length !== config.right.numClasses) {
    throw new Error(
      `${name}: the sidecar names ${manifest.right.classes.length} classes but the network has ${config.right.numClasses}`,
    );
  }
  if (!artifacts.weightData || !artifacts.weightSpecs)
    throw new Error(`${name}: the export has no weights`);
  const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const model = new FasterRcnn(config.right);
  try {
    model.params.assign(weights);
  } catch (err) {
    model.dispose();
    throw new Error(`${name}: ${(err as Error).message}`);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return new Detector(model, manifest.right);
}
