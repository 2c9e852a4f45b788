import { formatDecodeErrors } from '@kd/codecs';
import type * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

const QuantizationCodec = t.intersection([
  t.type({ dtype: t.keyof({ uint8: null, uint16: null, float16: null }) }),
  t.partial({ min: t.number, scale: t.number }),
]);

const WeightEntryCodec = t.intersection([
  t.type({
    name: t.string,
    shape: t.array(t.number),
    dtype: t.keyof({ float32: null, int32: null, bool: null }),
  }),
  t.partial({ quantization: QuantizationCodec }),
]);

const KerasLayerCodec = t.type({
  name: t.string,
  class_name: t.string,
  config: t.UnknownRecord,
});

const LayersCodec = t.type({ config: t.type({ layers: t.array(KerasLayerCodec) }) });

/**
 * A TensorFlow.js Layers `model.json` (what `tensorflowjs_converter --output_format tfjs_layers_model`
 * writes, and what nsfwjs ships): the Keras topology, under `model_config` or directly, and the
 * weights manifest.
 */
export const KerasModelJsonCodec = t.type({
  modelTopology: t.union([t.type({ model_config: LayersCodec }), LayersCodec]),
  weightsManifest: t.array(
    t.type({ paths: t.array(t.string), weights: t.array(WeightEntryCodec) }),
  ),
});
export type KerasModelJson = t.TypeOf<typeof KerasModelJsonCodec>;
export type KerasLayer = t.TypeOf<typeof KerasLayerCodec>;

/** A Keras model read from its files: what `tf.loadLayersModel` and the backbone loader take. */
export interface KerasModel {
  /** Where it came from, for messages (`nsfwjs@4.4.0 mobilenet_v2`, a file path). */
  readonly source: string;
  readonly json: KerasModelJson;
  /** The shards of every manifest group, concatenated in manifest order. */
  readonly weightData: ArrayBuffer;
}

/** Validates a parsed `model.json`; `Left` names `source` and the JSON path of each problem. */
export function decodeKerasModelJson(
  value: unknown,
  source: string,
): E.Either<string, KerasModelJson> {
  const r = KerasModelJsonCodec.decode(value);
  return E.isLeft(r)
    ? E.left(
        `${source}: not a TensorFlow.js Layers model.json\n  ${formatDecodeErrors(r.left, undefined).join('\n  ')}`,
      )
    : E.right(r.right);
}

/** The Keras layers of a model, in the topology's order. */
export function kerasLayers(json: KerasModelJson): readonly KerasLayer[] {
  const top = json.modelTopology;
  return 'model_config' in top ? top.model_config.config.layers : top.config.layers;
}

/** Every weight entry, in the order their bytes follow each other in {@link KerasModel.weightData}. */
export function kerasWeightSpecs(json: KerasModelJson): tf.io.WeightsManifestEntry[] {
  return json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
}

/** The model as `tf.io.ModelArtifacts`, e.g. for `tf.loadLayersModel(tf.io.fromMemory(…))`. */
export function kerasModelArtifacts(model: KerasModel): tf.io.ModelArtifacts {
  return {
    modelTopology: model.json.modelTopology as unknown as object,
    weightSpecs: kerasWeightSpecs(model.json),
    weightData: model.weightData,
    format: 'layers-model',
  };
}
