import * as tf from '@tensorflow/tfjs-core';
import { withTensors } from './registerTrainingKernels.js';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];
type Pair = [number, number];

/** Convolution kernels that take `pad` and that tfjs-node rejects when it is explicit. */
export const EXPLICIT_PADDING_KERNELS = [
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
] as const;

const isExplicit = (pad: unknown): pad is Pad4 => Array.isArray(pad);

/**
 * tfjs-node's convolution kernels throw "TF Backend supports only 'valid' and 'same' padding"
 * for explicit padding (which torchvision-style asymmetric padding needs). This re-registers them
 * so that an explicit pad becomes a `tf.pad` of the input followed by the 'valid' kernel; the
 * input gradient is the 'valid' one over the padded shape, cropped back. Idempotent.
 *
 * @returns the kernels patched by this call
 */
export function patchExplicitPadding(backendName = 'tensorflow'): string[] {
  const patched: string[] = [];
  for (const kernelName of EXPLICIT_PADDING_KERNELS) {
    const original = tf.getKernel(kernelName, backendName);
    if (original === undefined || (original as { kdExplicitPad?: boolean }).kdExplicitPad) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const a = args.attrs as Record<string, unknown>;
      if (!isExplicit(a.pad)) return original.kernelFunc(args);
      const pad = a.pad;
      const strides = a.strides as Pair;
      const dil = (a.dilations as Pair | number | undefined) ?? 1;
      const { inputs, backend } = args;
      if (kernelName === 'Conv2D') {
        return withTensors(
          backend,
          [inputs.x as tf.TensorInfo, inputs.filter as tf.TensorInfo],
          ([x, f]) =>
            tf.tidy(() =>
              tf.conv2d(
                tf.pad(x as tf.Tensor4D, pad),
                f as tf.Tensor4D,
                strides,
                'valid',
                'NHWC',
                dil,
              ),
            ),
        );
      }
      if (kernelName === 'Conv2DBackpropFilter') {
        return withTensors(
          backend,
          [inputs.x as tf.TensorInfo, inputs.dy as tf.TensorInfo],
          ([x, dy]) =>
            tf.tidy(() => {
              const xp = tf.pad(x as tf.Tensor4D, pad);
              const info: tf.TensorInfo = tf
                .engine()
                .runKernel('Conv2DBackpropFilter', { x: xp, dy: dy as tf.Tensor }, {
                  ...a,
                  pad: 'valid',
                } as unknown as tf.NamedAttrMap) as unknown as tf.TensorInfo;
              return info as unknown as tf.Tensor;
            }),
        );
      }
      const [n, h, w, c] = a.inputShape as [number, number, number, number];
      const padded: [number, number, number, number] = [
        n,
        h + pad[1][0] + pad[1][1],
        w + pad[2][0] + pad[2][1],
        c,
      ];
      return withTensors(
        backend,
        [inputs.dy as tf.TensorInfo, inputs.filter as tf.TensorInfo],
        ([dy, f]) =>
          tf.tidy(() => {
            const dxp = tf
              .engine()
              .runKernel('Conv2DBackpropInput', { dy: dy as tf.Tensor, filter: f as tf.Tensor }, {
                ...a,
                inputShape: padded,
                pad: 'valid',
              } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
            return tf.slice(dxp, [0, pad[1][0], pad[2][0], 0], [n, h, w, c]);
          }),
      );
    };
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ ...original, kernelFunc, kdExplicitPad: true } as tf.KernelConfig);
    patched.push(kernelName);
  }
  return patched;
}
