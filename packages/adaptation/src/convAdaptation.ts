import * as tf from '@tensorflow/tfjs-core';
import { type AdaptationLayer, adaptationVariableName } from './adaptationLayer.js';
import { heNormal } from './heNormal.js';

/** Weights of a conv adaptation: kernel `[k, k, Cin, Cout]` (HWIO, tfjs layout), bias `[Cout]`. */
export interface ConvAdaptationParams {
  readonly kernel: tf.Tensor4D;
  readonly bias?: tf.Tensor1D;
}

/**
 * Pure forward of a conv adaptation: stride 1, `'same'` zero padding (3×3 pads 1 on each side, as
 * PyTorch `Conv2d(padding=1)`), plus bias.
 * @param x `[B, H, W, Cin]` NHWC student features. Differentiable in `x` and the params.
 * @returns `[B, H, W, Cout]`; the caller disposes it.
 */
export function convAdaptationForward(params: ConvAdaptationParams, x: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, cin] = params.kernel.shape;
  if (x.rank !== 4 || x.shape[3] !== cin) {
    throw new Error(
      `conv adaptation: input [${x.shape.join(', ')}] must be [B, H, W, ${cin}] for a ${kh}×${kw}×${cin} kernel`,
    );
  }
  return tf.tidy(() => {
    const y = tf.conv2d(x, params.kernel, 1, 'same');
    return (params.bias === undefined ? y : tf.add(y, params.bias)) as tf.Tensor4D;
  });
}

export interface ConvAdaptationOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  /** 1 (default, the paper's choice) or 3. */
  readonly kernelSize?: 1 | 3;
  /** Default true. */
  readonly bias?: boolean;
  /** Seed of the He-normal kernel initialisation. Default 0. */
  readonly seed?: number;
  /** Used in variable names. Default `'conv'`. */
  readonly name?: string;
}

/**
 * A conv adaptation layer (1×1 by default) with He-normal kernel (`std = sqrt(2 / (k·k·Cin))`,
 * seeded) and zero bias. The caller disposes it (`dispose()` frees its variables).
 */
export function createConvAdaptation(options: ConvAdaptationOptions): AdaptationLayer {
  const k = options.kernelSize ?? 1;
  const { inChannels: cin, outChannels: cout } = options;
  for (const [n, v] of [
    ['inChannels', cin],
    ['outChannels', cout],
  ] as const) {
    if (!(Number.isInteger(v) && v > 0))
      throw new Error(`conv adaptation: ${n} must be a positive integer, got ${v}`);
  }
  if (k !== 1 && k !== 3) throw new Error(`conv adaptation: kernelSize must be 1 or 3, got ${k}`);
  const name = options.name ?? 'conv';
  const seed = options.seed ?? 0;
  const kernel = tf.tidy(() =>
    tf.variable(
      heNormal([k, k, cin, cout], k * k * cin, seed) as tf.Tensor4D,
      true,
      adaptationVariableName(name, 'kernel'),
    ),
  );
  const bias =
    options.bias === false
      ? undefined
      : tf.tidy(() =>
          tf.variable(tf.zeros([cout]) as tf.Tensor1D, true, adaptationVariableName(name, 'bias')),
        );
  const params: ConvAdaptationParams = bias === undefined ? { kernel } : { kernel, bias };
  return {
    kind: k === 1 ? 'conv1x1' : 'conv3x3',
    inputShape: [-1, -1, cin],
    outputChannels: cout,
    apply: (x) => convAdaptationForward(params, x as tf.Tensor4D),
    variables: () => (bias === undefined ? [kernel] : [kernel, bias]),
    dispose: () => {
      kernel.dispose();
      bias?.dispose();
    },
    describe: () =>
      `conv${k}x${k}(${cin}→${cout}${bias === undefined ? ', no bias' : ''}, He-normal seed ${seed})`,
  };
}
