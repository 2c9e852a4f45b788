import * as E from 'fp-ts/lib/Either.js';
import { MOBILENETV2_STAGES } from '../backbones/MobileNetV2.js';
import type { KerasLayer } from './kerasModelJson.js';
import {
  kerasLayerOfWeight,
  MOBILENETV2_KERAS_CUT,
  mobileNetV2KerasName,
} from './mobileNetV2KerasNames.js';

/** A named weight's shape: one of our parameters or one Keras weight. */
export interface WeightShape {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface PretrainedMapping {
  /** Our parameter → the Keras weight that initialises it, for every backbone parameter. */
  readonly pairs: readonly { readonly param: string; readonly weight: string }[];
  /** Keras weights of layers up to the cut that no parameter takes (empty for MobileNetV2). */
  readonly unused: readonly string[];
}

/** The Keras layers with stride 2 up to the cut: the stem and each stride-2 stage's first depthwise. */
function stridedKerasLayers(): string[] {
  const out = ['Conv1'];
  let n = 0;
  for (const [, , repeats, stride] of MOBILENETV2_STAGES) {
    if (stride === 2) out.push(n === 0 ? 'expanded_conv_depthwise' : `block_${n}_depthwise`);
    n += repeats;
  }
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Pairs each of our MobileNetV2 backbone parameters with its Keras weight and checks, before
 * anything is assigned, that the Keras model is the network we build: every weight exists with our
 * shape, lies at or before {@link MOBILENETV2_KERAS_CUT}, batch norms use our `epsilon`, and the
 * stride-2 layers are ours. `Left` lists every problem found, prefixed by `source`.
 * Pure (shapes and names only).
 */
export function mapPretrainedWeights(
  params: readonly WeightShape[],
  layers: readonly KerasLayer[],
  weights: readonly WeightShape[],
  options: { readonly source: string; readonly epsilon: number },
): E.Either<string, PretrainedMapping> {
  const problems: string[] = [];
  const layerIndex = new Map(layers.map((l, i) => [l.name, i]));
  const cut = layerIndex.get(MOBILENETV2_KERAS_CUT);
  if (cut === undefined) problems.push(`no layer '${MOBILENETV2_KERAS_CUT}' (the stride-16 cut)`);
  const byName = new Map(weights.map((w) => [w.name, w]));
  const pairs: { param: string; weight: string }[] = [];
  for (const p of params) {
    const name = mobileNetV2KerasName(p.name);
    if (E.isLeft(name)) {
      problems.push(name.left);
      continue;
    }
    const w = byName.get(name.right);
    if (!w) {
      problems.push(`no weight '${name.right}' for '${p.name}'`);
      continue;
    }
    if (!sameShape(w.shape, p.shape)) {
      problems.push(
        `'${name.right}' has shape [${w.shape}] but '${p.name}' has shape [${p.shape}]` +
          ' (only width multiplier 1.0 takes these weights)',
      );
      continue;
    }
    const li = layerIndex.get(kerasLayerOfWeight(name.right));
    if (li === undefined) problems.push(`weight '${name.right}' has no layer in the topology`);
    else if (cut !== undefined && li > cut)
      problems.push(`layer of '${name.right}' comes after the cut '${MOBILENETV2_KERAS_CUT}'`);
    pairs.push({ param: p.name, weight: name.right });
  }
  const used = new Set(pairs.map((p) => p.weight));
  const strided = new Set(stridedKerasLayers());
  for (const [i, l] of layers.entries()) {
    if (cut === undefined || i > cut) break;
    const c = l.config as { epsilon?: unknown; strides?: unknown };
    if (l.class_name === 'BatchNormalization' && c.epsilon !== options.epsilon) {
      problems.push(
        `'${l.name}' has epsilon ${String(c.epsilon)}, the backbone ${options.epsilon}`,
      );
    }
    if (Array.isArray(c.strides)) {
      const want = strided.has(l.name) ? 2 : 1;
      if (!c.strides.every((s) => s === want))
        problems.push(`'${l.name}' has strides [${c.strides}], the backbone ${want}`);
    }
  }
  const unused = weights
    .filter((w) => {
      const li = layerIndex.get(kerasLayerOfWeight(w.name));
      return !used.has(w.name) && li !== undefined && cut !== undefined && li <= cut;
    })
    .map((w) => w.name);
  return problems.length > 0
    ? E.left(
        `${options.source}: does not fit kd's MobileNetV2 backbone\n  ${problems.join('\n  ')}`,
      )
    : E.right({ pairs, unused });
}
