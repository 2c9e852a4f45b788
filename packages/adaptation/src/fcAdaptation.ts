import * as tf from '@tensorflow/tfjs-core';
import { type AdaptationLayer, adaptationVariableName } from './adaptationLayer.js';
import { heNormal } from './heNormal.js';

/** Weights of a fully connected adaptation: kernel `[Din, Dout]`, bias `[Dout]`. */
export interface FcAdaptationParams {
  readonly kernel: tf.Tensor2D;
  readonly bias?: tf.Tensor1D;
}

/**
 * Pure forward of an fc adaptation, `y = x · W + b`, for fc hint layers.
 * @param x `[B, Din]`. Differentiable in `x` and the params.
 * @returns `[B, Dout]`; the caller disposes it.
 */
export function fcAdaptationForward(params: FcAdaptationParams, x: tf.Tensor2D): tf.Tensor2D {
  const din = params.kernel.shape[0];
  if (x.rank !== 2 || x.shape[1] !== din) {
    throw new Error(`fc adaptation: input [${x.shape.join(', ')}] must be [B, ${din}]`);
  }
  return tf.tidy(() => {
    const y = tf.matMul(x, params.kernel);
    return (params.bias === undefined ? y : tf.add(y, params.bias)) as tf.Tensor2D;
  });
}

export interface FcAdaptationOptions {
  readonly inUnits: number;
  readonly outUnits: number;
  readonly bias?: boolean;
  readonly seed?: number;
  readonly name?: string;
}

/** An fc adaptation layer with He-normal kernel (`std = sqrt(2 / Din)`, seeded) and zero bias. */
export function createFcAdaptation(options: FcAdaptationOptions): AdaptationLayer {
  const { inUnits: din, outUnits: dout } = options;
  for (const [n, v] of [
    ['inUnits', din],
    ['outUnits', dout],
  ] as const) {
    if (!(Number.isInteger(v) && v > 0))
      throw new Error(`fc adaptation: ${n} must be a positive integer, got ${v}`);
  }
  const name = options.name ?? 'fc';
  const seed = options.seed ?? 0;
  const kernel = tf.tidy(() =>
    tf.variable(
      heNormal([din, dout], din, seed) as tf.Tensor2D,
      true,
      adaptationVariableName(name, 'kernel'),
    ),
  );
  const bias =
    options.bias === false
      ? undefined
      : tf.tidy(() =>
          tf.variable(tf.zeros([dout]) as tf.Tensor1D, true, adaptationVariableName(name, 'bias')),
        );
  const params: FcAdaptationParams = bias === undefined ? { kernel } : { kernel, bias };
  return {
    kind: 'fc',
    inputShape: [din],
    outputChannels: dout,
    apply: (x) => fcAdaptationForward(params, x as tf.Tensor2D),
    variables: () => (bias === undefined ? [kernel] : [kernel, bias]),
    dispose: () => {
      kernel.dispose();
      bias?.dispose();
    },
    describe: () =>
      `fc(${din}→${dout}${bias === undefined ? ', no bias' : ''}, He-normal seed ${seed})`,
  };
}
