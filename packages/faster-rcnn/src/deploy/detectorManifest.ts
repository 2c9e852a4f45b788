import { formatDecodeErrors } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { NonNegative, Positive, PositiveInt } from '../config/codecs.js';

/** Format tag of a kd detector export (`detector.json` and `model.json`'s `userDefinedMetadata.kdDetector`). */
export const DETECTOR_FORMAT = 'kd-detector';
export const DETECTOR_FORMAT_VERSION = 1;

/** How the weights of an export are stored (tfjs weights-manifest `quantization`). */
export const WEIGHT_QUANTIZATIONS = ['none', 'float16', 'uint8'] as const;
export type WeightQuantization = (typeof WEIGHT_QUANTIZATIONS)[number];

const Triple = t.tuple([t.number, t.number, t.number]);

/**
 * The sidecar of an exported detector: everything needed to turn an RGB image into detections
 * besides the network itself. Normalisation is `(round_f32(pixel · inputScale) − mean) / std`
 * per RGB channel, exactly as `@kd/data-voc-coco-kitti`'s `normalizeImage` does for training.
 */
export const DetectorManifestCodec = t.type({
  format: t.literal(DETECTOR_FORMAT),
  version: t.literal(DETECTOR_FORMAT_VERSION),
  /** Class names; label `k` (1…C) is `classes[k − 1]`. */
  classes: t.array(t.string),
  input: t.type({
    /** Shorter side the image is resized to (unless the longer side would exceed `maxSize`). */
    minSize: PositiveInt,
    maxSize: PositiveInt,
  }),
  normalization: t.type({
    inputScale: Positive,
    mean: Triple,
    std: t.tuple([Positive, Positive, Positive]),
  }),
  /** Default display threshold of `Detector.detect` (the network itself keeps scores above its config's). */
  scoreThreshold: NonNegative,
  weights: t.type({ quantization: t.keyof({ none: null, float16: null, uint8: null }) }),
  /** Where it came from (informational). */
  source: t.union([t.null, t.type({ checkpoint: t.string, step: t.number })]),
});
export type DetectorManifest = t.TypeOf<typeof DetectorManifestCodec>;

/** Validates a sidecar; errors name `source` and the JSON path. */
export function decodeDetectorManifest(
  json: unknown,
  source: string,
): E.Either<string, DetectorManifest> {
  const decoded = DetectorManifestCodec.decode(json);
  if (E.isLeft(decoded)) {
    return E.left(
      `${source}: not a kd detector sidecar\n  ${formatDecodeErrors(decoded.left, undefined).join('\n  ')}`,
    );
  }
  return decoded;
}
