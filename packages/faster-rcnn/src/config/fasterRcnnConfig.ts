import { formatDecodeErrors } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { backboneNames } from '../backbones/backboneRegistry.js';
import { MOBILENETV2_STAGES } from '../backbones/MobileNetV2.js';
import {
  deepMerge,
  isPlainObject,
  NonNegative,
  NonNegativeInt,
  Positive,
  PositiveInt,
  UnitInterval,
  unknownKeys,
} from './codecs.js';

/** A built-in or registered backbone name, checked against the registry when decoded. */
const BackboneNameCodec = new t.Type<string, string, unknown>(
  'BackboneName',
  (u): u is string => typeof u === 'string' && backboneNames().includes(u),
  (u, c) =>
    typeof u === 'string' && backboneNames().includes(u)
      ? t.success(u)
      : t.failure(u, c, `expected a backbone name (${backboneNames().join(', ')})`),
  t.identity,
);

const BackboneCodec = t.intersection([
  t.type({
    name: BackboneNameCodec,
  }),
  t.partial({
    widthMultiplier: Positive,
    /** 16 (published), 8, or 4 (`mobilenetv2` only): see `BackboneSpec.outputStride`. */
    outputStride: t.union([t.literal(4), t.literal(8), t.literal(16)]),
    tuckerRank: UnitInterval,
    /**
     * ImageNet initialisation of a `mobilenetv2` backbone at width 1.0: `'nsfwjs'` (the Keras
     * MobileNetV2 inside the `nsfwjs` npm package) or the path of a TensorFlow.js Layers
     * `model.json` with Keras MobileNetV2 layer names. Applied by `loadPretrainedBackbone`.
     */
    pretrained: t.string,
    /**
     * `mobilenetv2` only: batch norm uses its running (e.g. ImageNet) statistics while training
     * and does not update them; γ and β still train. Default false.
     */
    frozenBatchNorm: t.boolean,
    /**
     * `mobilenetv2` only: the first N of its layers (`stem`, `block0`, …, `block4`) are not
     * trained — detectron2's `FREEZE_AT`, torchvision's `trainable_backbone_layers` counted from
     * the input. 0 (default) to 6.
     */
    frozenStages: NonNegativeInt,
    /**
     * `mobilenetv2` only: inverted-residual stages the trunk keeps — 5 (default, up to `block4`,
     * 96 channels), 4 (up to `block3`, 64 channels) or 3 (up to `block2`, 32 channels at stride 8;
     * needs `outputStride` 8, or 4 for block2 dilated). A shallower trunk makes a cheaper student of the same ImageNet weights.
     */
    stages: t.union([t.literal(3), t.literal(4), t.literal(5)]),
  }),
]);

/** Everything that defines a Faster R-CNN; decoded once, at the edge, with io-ts. */
export const FasterRcnnConfigCodec = t.type({
  /** Object classes, background excluded. */
  numClasses: PositiveInt,
  backbone: BackboneCodec,
  anchors: t.type({ baseSize: Positive, ratios: t.array(Positive), scales: t.array(Positive) }),
  rpn: t.type({
    channels: PositiveInt,
    fgIouThreshold: UnitInterval,
    bgIouThreshold: UnitInterval,
    batchSizePerImage: PositiveInt,
    positiveFraction: UnitInterval,
    preNmsTopNTrain: PositiveInt,
    postNmsTopNTrain: PositiveInt,
    preNmsTopNTest: PositiveInt,
    postNmsTopNTest: PositiveInt,
    nmsThreshold: UnitInterval,
    minSize: NonNegative,
  }),
  roiHead: t.type({
    pooler: t.keyof({ align: null, pool: null }),
    outputSize: PositiveInt,
    samplingRatio: t.number,
    aligned: t.boolean,
    fcDims: t.array(PositiveInt),
    fgIouThreshold: UnitInterval,
    bgIouHigh: UnitInterval,
    bgIouLow: UnitInterval,
    batchSizePerImage: PositiveInt,
    positiveFraction: UnitInterval,
    boxWeights: t.tuple([Positive, Positive, Positive, Positive]),
  }),
  inference: t.type({
    scoreThreshold: UnitInterval,
    nmsThreshold: UnitInterval,
    detectionsPerImage: PositiveInt,
  }),
  /** Per-channel normalisation of RGB input in [0, 255]: (x − mean) / std. */
  input: t.type({
    mean: t.tuple([t.number, t.number, t.number]),
    std: t.tuple([Positive, Positive, Positive]),
  }),
  /** Seed of the weight initialisation. */
  seed: t.number,
});

export type FasterRcnnConfig = t.TypeOf<typeof FasterRcnnConfigCodec>;
/** What users write: any subset, merged over {@link DEFAULT_FASTER_RCNN_CONFIG}. */
export type FasterRcnnConfigInput = { readonly numClasses: number } & Record<string, unknown>;

/** torchvision / py-faster-rcnn defaults (VGG16 teacher at full width). */
export const DEFAULT_FASTER_RCNN_CONFIG = {
  numClasses: 20,
  backbone: { name: 'vgg16', widthMultiplier: 1, outputStride: 16 },
  anchors: { baseSize: 16, ratios: [0.5, 1, 2], scales: [8, 16, 32] },
  rpn: {
    channels: 512,
    fgIouThreshold: 0.7,
    bgIouThreshold: 0.3,
    batchSizePerImage: 256,
    positiveFraction: 0.5,
    preNmsTopNTrain: 12000,
    postNmsTopNTrain: 2000,
    preNmsTopNTest: 6000,
    postNmsTopNTest: 300,
    nmsThreshold: 0.7,
    minSize: 0,
  },
  roiHead: {
    pooler: 'align',
    outputSize: 7,
    samplingRatio: 2,
    aligned: true,
    fcDims: [1024, 1024],
    fgIouThreshold: 0.5,
    bgIouHigh: 0.5,
    bgIouLow: 0,
    batchSizePerImage: 128,
    positiveFraction: 0.25,
    boxWeights: [10, 10, 5, 5],
  },
  inference: { scoreThreshold: 0.05, nmsThreshold: 0.5, detectionsPerImage: 100 },
  input: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
  seed: 0,
} as const;

/**
 * The input normalisation of Keras's ImageNet MobileNetV2 (`preprocess_input`, mode `tf`):
 * RGB in [0, 255] to [-1, 1], i.e. x / 127.5 − 1. The default when `backbone.pretrained` is set.
 */
export const KERAS_MOBILENETV2_INPUT = {
  mean: [127.5, 127.5, 127.5],
  std: [127.5, 127.5, 127.5],
} as const;

// Keys a user may write besides those the defaults have.
const OPTIONAL_KEYS = {
  backbone: {
    tuckerRank: null,
    pretrained: null,
    frozenBatchNorm: null,
    frozenStages: null,
    stages: null,
  },
};

const sameNumbers = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Checks that go with `backbone.pretrained`; `undefined` when there is nothing to say. */
function pretrainedProblem(c: FasterRcnnConfig): string | undefined {
  const b = c.backbone;
  if (b.pretrained === undefined) return undefined;
  if (b.name !== 'mobilenetv2')
    return `at backbone.pretrained: ImageNet weights exist only for mobilenetv2, not ${b.name}`;
  if ((b.widthMultiplier ?? 1) !== 1)
    return `at backbone.widthMultiplier: pretrained MobileNetV2 weights exist only at width 1.0, got ${b.widthMultiplier}`;
  const k = KERAS_MOBILENETV2_INPUT;
  if (!sameNumbers(c.input.mean, k.mean) || !sameNumbers(c.input.std, k.std))
    return (
      'at input: pretrained MobileNetV2 weights expect RGB scaled to [-1, 1] (mean 127.5, std 127.5), ' +
      `got mean [${c.input.mean}] std [${c.input.std}]; leave input out to get it`
    );
  return undefined;
}

/**
 * Merges `input` over the defaults and validates the result. Unknown keys and bad values are
 * errors naming their path (`at rpn.fgIouThreshold: expected UnitInterval, got 1.5`).
 */
export function decodeFasterRcnnConfig(
  input: unknown,
  source = 'config',
): E.Either<string, FasterRcnnConfig> {
  const unknown = unknownKeys(
    input,
    deepMerge(DEFAULT_FASTER_RCNN_CONFIG as unknown, OPTIONAL_KEYS),
  );
  if (unknown.length) return E.left(`${source}: unknown key(s) ${unknown.join(', ')}`);
  const pretrained =
    isPlainObject(input) &&
    isPlainObject(input.backbone) &&
    input.backbone.pretrained !== undefined;
  const defaults = pretrained
    ? { ...DEFAULT_FASTER_RCNN_CONFIG, input: KERAS_MOBILENETV2_INPUT }
    : DEFAULT_FASTER_RCNN_CONFIG;
  const merged = deepMerge(defaults as unknown, input);
  const decoded = FasterRcnnConfigCodec.decode(merged);
  if (E.isLeft(decoded))
    return E.left(
      `${source}: invalid Faster R-CNN config\n  ${formatDecodeErrors(decoded.left, undefined).join('\n  ')}`,
    );
  const c = decoded.right;
  if (c.rpn.bgIouThreshold > c.rpn.fgIouThreshold) {
    return E.left(`${source}: at rpn.bgIouThreshold: must not exceed rpn.fgIouThreshold`);
  }
  if (c.roiHead.bgIouLow > c.roiHead.bgIouHigh) {
    return E.left(`${source}: at roiHead.bgIouLow: must not exceed roiHead.bgIouHigh`);
  }
  if (c.backbone.frozenBatchNorm === true && c.backbone.name !== 'mobilenetv2')
    return E.left(
      `${source}: at backbone.frozenBatchNorm: only mobilenetv2 has this option, not ${c.backbone.name}`,
    );
  const frozenStages = c.backbone.frozenStages;
  if (frozenStages !== undefined && frozenStages > 0 && c.backbone.name !== 'mobilenetv2')
    return E.left(
      `${source}: at backbone.frozenStages: only mobilenetv2 has this option, not ${c.backbone.name}`,
    );
  const stages = c.backbone.stages;
  if (stages !== undefined && c.backbone.name !== 'mobilenetv2')
    return E.left(
      `${source}: at backbone.stages: only mobilenetv2 has this option, not ${c.backbone.name}`,
    );
  if (c.backbone.outputStride === 4 && c.backbone.name !== 'mobilenetv2')
    return E.left(
      `${source}: at backbone.outputStride: 4 is a mobilenetv2 option (its stride-8 stages dilated), not ${c.backbone.name}'s; expected 8 or 16`,
    );
  if (stages === 3 && c.backbone.outputStride !== 8 && c.backbone.outputStride !== 4)
    return E.left(
      `${source}: at backbone.stages: a mobilenetv2 trunk of 3 stages ends at block2, stride 8; set backbone.outputStride to 8 (or 4 to dilate block2)`,
    );
  const layerCount = (stages ?? MOBILENETV2_STAGES.length) + 1;
  if (frozenStages !== undefined && frozenStages > layerCount)
    return E.left(
      `${source}: at backbone.frozenStages: mobilenetv2 has ${layerCount} layers (stem, block0–block${layerCount - 2}), got ${frozenStages}`,
    );
  const problem = pretrainedProblem(c);
  if (problem) return E.left(`${source}: ${problem}`);
  return E.right(c);
}

/** {@link decodeFasterRcnnConfig} that throws: for code that builds models from literals. */
export function fasterRcnnConfig(input: unknown): FasterRcnnConfig {
  const r = decodeFasterRcnnConfig(input);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
}
