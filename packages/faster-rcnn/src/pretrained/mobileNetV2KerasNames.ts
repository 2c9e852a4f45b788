import * as E from 'fp-ts/lib/Either.js';
import { MOBILENETV2_STAGES } from '../backbones/MobileNetV2.js';

/**
 * The Keras layer at which kd's MobileNetV2 backbone ends: the residual sum of the last 96-channel
 * block, stride 16, 96 channels (layer 116 of `keras.applications.MobileNetV2`'s list, 0 being the input).
 */
export const MOBILENETV2_KERAS_CUT = mobileNetV2KerasCut(MOBILENETV2_STAGES.length);

/**
 * The Keras layer a trunk of the first `stages` stages ends at: the residual sum of the stage's
 * last block (`block_5_add` for 3 stages, `block_9_add` for 4, {@link MOBILENETV2_KERAS_CUT} for 5).
 */
export function mobileNetV2KerasCut(stages: number): string {
  const blocks = MOBILENETV2_STAGES.slice(0, stages).reduce((n, [, , repeats]) => n + repeats, 0);
  return `block_${blocks - 1}_add`;
}

/** Keras batch-norm weight suffix of each of our batch-norm parameters. */
const BN_SUFFIX: Readonly<Record<string, string>> = {
  gamma: 'gamma',
  beta: 'beta',
  running_mean: 'moving_mean',
  running_var: 'moving_variance',
};

/** Our `block{stage}.{i}` → Keras's running block number (0 is Keras's `expanded_conv`). */
function kerasBlockPrefix(stage: number, i: number): string | undefined {
  const s = MOBILENETV2_STAGES[stage];
  if (!s || i >= s[2]) return undefined;
  let n = i;
  for (let k = 0; k < stage; k++) n += MOBILENETV2_STAGES[k]![2];
  return n === 0 ? 'expanded_conv' : `block_${n}`;
}

/**
 * The Keras (`keras.applications.MobileNetV2`) weight that initialises one of our MobileNetV2
 * parameters, e.g. `backbone/block3.1/dw/w` → `block_8_depthwise/depthwise_kernel`,
 * `backbone/stem/bn/running_var` → `bn_Conv1/moving_variance`. Shapes agree as they are: convolution
 * kernels are `[k, k, Cin, Cout]` and depthwise kernels `[k, k, C, 1]` on both sides.
 * Pure; `Left` names the parameter that has no Keras counterpart.
 */
export function mobileNetV2KerasName(param: string): E.Either<string, string> {
  const fail = E.left(`'${param}' is not a MobileNetV2 backbone parameter`);
  if (param === 'backbone/stem/conv/w') return E.right('Conv1/kernel');
  const stem = /^backbone\/stem\/bn\/(\w+)$/.exec(param);
  if (stem) {
    const suffix = BN_SUFFIX[stem[1]!];
    return suffix ? E.right(`bn_Conv1/${suffix}`) : fail;
  }
  const m = /^backbone\/block(\d+)\.(\d+)\/(expand|dw|project)(_bn)?\/(\w+)$/.exec(param);
  if (!m) return fail;
  const prefix = kerasBlockPrefix(Number(m[1]), Number(m[2]));
  if (!prefix) return fail;
  const layer = `${prefix}_${m[3] === 'dw' ? 'depthwise' : m[3]}`;
  if (m[4]) {
    const suffix = BN_SUFFIX[m[5]!];
    return suffix ? E.right(`${layer}_BN/${suffix}`) : fail;
  }
  if (m[5] !== 'w') return fail;
  return E.right(m[3] === 'dw' ? `${layer}/depthwise_kernel` : `${layer}/kernel`);
}

/** The Keras layer a weight belongs to (`block_8_depthwise/depthwise_kernel` → `block_8_depthwise`). */
export function kerasLayerOfWeight(weight: string): string {
  const i = weight.lastIndexOf('/');
  return i < 0 ? weight : weight.slice(0, i);
}
