import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { MOBILENETV2_BN_EPSILON, MOBILENETV2_STAGES } from '../backbones/MobileNetV2.js';
import { type FasterRcnnConfig, KERAS_MOBILENETV2_INPUT } from '../config/fasterRcnnConfig.js';
import type { ParamStore } from '../layers/ParamStore.js';
import { type KerasModel, kerasLayers, kerasWeightSpecs } from './kerasModelJson.js';
import { mapPretrainedWeights } from './mapPretrainedWeights.js';
import { mobileNetV2KerasCut } from './mobileNetV2KerasNames.js';
import { readKerasModel } from './readKerasModel.js';

/** What a pretrained initialisation did. */
export interface PretrainedBackboneReport {
  readonly source: string;
  /** The Keras layer our backbone output corresponds to (`block_12_add` for the whole trunk), and our output stride. */
  readonly cut: string;
  readonly stride: number;
  /** Our parameters that now hold pretrained values: every `backbone/…` parameter. */
  readonly loaded: readonly string[];
  /** Parameters left at their random initialisation: the RPN and the RoI head. */
  readonly random: readonly string[];
}

/** The part of a model that pretrained initialisation touches. */
export interface PretrainedTarget {
  readonly config: FasterRcnnConfig;
  readonly params: ParamStore;
}

/**
 * Copies a Keras MobileNetV2's weights (dequantised) into the `backbone/…` parameters of `model`,
 * after checking that the model is a width-1.0 `mobilenetv2` fed Keras's [-1, 1] input and that
 * every weight fits ({@link mapPretrainedWeights}). Nothing is assigned when `Left`.
 * Tensors: the decoded weights are freed before returning.
 */
export function assignPretrainedBackbone(
  model: PretrainedTarget,
  keras: KerasModel,
): E.Either<string, PretrainedBackboneReport> {
  const b = model.config.backbone;
  if (b.name !== 'mobilenetv2')
    return E.left(
      `${keras.source}: ImageNet weights fit only a mobilenetv2 backbone, not ${b.name}`,
    );
  if ((b.widthMultiplier ?? 1) !== 1)
    return E.left(
      `${keras.source}: MobileNetV2 ImageNet weights exist only at width 1.0, the backbone has ${b.widthMultiplier}`,
    );
  const { mean, std } = model.config.input;
  const k = KERAS_MOBILENETV2_INPUT;
  if (mean.some((v, i) => v !== k.mean[i]) || std.some((v, i) => v !== k.std[i]))
    return E.left(
      `${keras.source}: the model's input normalisation must be Keras's x / 127.5 − 1 ` +
        `(input.mean = input.std = [127.5, 127.5, 127.5]), got mean [${mean}] std [${std}]`,
    );
  const params = model.params
    .entries()
    .filter(([name]) => name.startsWith('backbone/'))
    .map(([name, v]) => ({ name, shape: v.shape }));
  const specs = kerasWeightSpecs(keras.json);
  const mapping = mapPretrainedWeights(params, kerasLayers(keras.json), specs, {
    source: keras.source,
    epsilon: MOBILENETV2_BN_EPSILON,
  });
  if (E.isLeft(mapping)) return mapping;
  const decoded = tf.io.decodeWeights(keras.weightData, specs);
  try {
    const values = Object.fromEntries(
      mapping.right.pairs.map(({ param, weight }) => [param, decoded[weight]!]),
    );
    model.params.assign(values, { strict: false });
  } finally {
    tf.dispose(Object.values(decoded));
  }
  const loaded = new Set(mapping.right.pairs.map((p) => p.param));
  return E.right({
    source: keras.source,
    cut: mobileNetV2KerasCut(b.stages ?? MOBILENETV2_STAGES.length),
    stride: b.outputStride ?? 16,
    loaded: [...loaded],
    random: model.params.names().filter((n) => !loaded.has(n)),
  });
}

/**
 * ImageNet initialisation of a model's MobileNetV2 backbone from `source` (default: the config's
 * `backbone.pretrained`): `'nsfwjs'` reads the installed nsfwjs package's files, offline; a path
 * reads that TensorFlow.js Layers `model.json`. Call it once on a fresh model, before training —
 * not when resuming from a checkpoint, which already holds the weights. Throws with the reason
 * (missing package, wrong width, wrong normalisation, each shape that does not fit).
 */
export async function loadPretrainedBackbone(
  model: PretrainedTarget,
  source: string | undefined = model.config.backbone.pretrained,
): Promise<PretrainedBackboneReport> {
  if (source === undefined)
    throw new Error('loadPretrainedBackbone: no source and no backbone.pretrained in the config');
  const r = assignPretrainedBackbone(model, await readKerasModel(source));
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
}
