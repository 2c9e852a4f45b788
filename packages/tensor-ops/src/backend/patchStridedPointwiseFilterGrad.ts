import * as tf from '@tensorflow/tfjs-core';
import { withTensors } from './registerTrainingKernels.js';

type Pair = [number, number];
const pair = (v: unknown): Pair => (Array.isArray(v) ? (v as Pair) : [v as number, v as number]);

/**
 * Whether a `Conv2DBackpropFilter` call is a 1×1 filter at a stride above 1, without padding
 * ('same', 'valid' or 0: for a 1×1 filter 'same' pads nothing) and without dilation: the case
 * computed here.
 */
export function isStridedPointwise(attrs: Readonly<Record<string, unknown>>): boolean {
  const shape = attrs.filterShape as readonly number[] | undefined;
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations ?? 1);
  const pad = attrs.pad;
  return (
    shape !== undefined &&
    shape[0] === 1 &&
    shape[1] === 1 &&
    (sh > 1 || sw > 1) &&
    dh === 1 &&
    dw === 1 &&
    (pad === 'same' || pad === 'valid' || pad === 0) &&
    (attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC')
  );
}

/**
 * TensorFlow 2.21's oneDNN `Conv2DBackpropFilter` corrupts the heap for 1×1 filters at stride 2
 * on some CPUs (seen on an AMD EPYC with AVX-512: `free(): invalid size`, then SIGABRT or SIGSEGV,
 * e.g. for a `[2, 16, 16, 8]` input and 16 output channels — ResNet's downsampling shortcuts;
 * odd input sizes, stride 1 and `TF_ENABLE_ONEDNN_OPTS=0` do not crash). This re-registers the
 * kernel so that such a gradient is what it is by definition — the input taken at every
 * `stride`-th row and column, times the output gradient, summed over images and positions: one
 * strided slice and one matrix product — and every other call goes to the original kernel.
 * Idempotent.
 *
 * @returns the kernels patched by this call
 */
export function patchStridedPointwiseFilterGrad(backendName = 'tensorflow'): string[] {
  const kernelName = 'Conv2DBackpropFilter';
  const original = tf.getKernel(kernelName, backendName);
  if (original === undefined || (original as { kdPointwise?: boolean }).kdPointwise) return [];
  const kernelFunc: tf.KernelFunc = (args) => {
    const a = args.attrs as Record<string, unknown>;
    if (!isStridedPointwise(a)) return original.kernelFunc(args);
    const [sh, sw] = pair(a.strides);
    const [, , cin, cout] = a.filterShape as [number, number, number, number];
    return withTensors(
      args.backend,
      [args.inputs.x as tf.TensorInfo, args.inputs.dy as tf.TensorInfo],
      ([x, dy]) =>
        tf.tidy(() => {
          const [n, h, w, c] = x!.shape as [number, number, number, number];
          const taken = tf.stridedSlice(x!, [0, 0, 0, 0], [n, h, w, c], [1, sh, sw, 1]);
          const dw = tf.matMul(
            tf.reshape(taken, [-1, cin]),
            tf.reshape(dy!, [-1, cout]),
            true,
            false,
          );
          return tf.reshape(dw, [1, 1, cin, cout]);
        }),
    );
  };
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc, kdPointwise: true } as tf.KernelConfig);
  return [kernelName];
}
