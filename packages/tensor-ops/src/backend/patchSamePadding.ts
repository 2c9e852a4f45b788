import * as tf from '@tensorflow/tfjs-core';

/** Forward convolution kernels whose 'same' padding the wasm backend gets wrong in one case. */
export const SAME_PADDING_KERNELS = [
  'Conv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2D',
] as const;

/**
 * The wasm backend hands 'same' padding to XNNPACK, which disagrees with TensorFlow when the total
 * padding would be negative (stride larger than the filter, e.g. a 2×2 filter with stride 3): the
 * output is shifted by one pixel. This re-registers those kernels so that 'same' is turned into the
 * explicit padding TensorFlow defines before the original kernel runs. Idempotent.
 *
 * @returns the kernels patched by this call
 */
export function patchSamePadding(backendName = 'wasm'): string[] {
  const patched: string[] = [];
  for (const kernelName of SAME_PADDING_KERNELS) {
    const original = tf.getKernel(kernelName, backendName);
    if (original === undefined || (original as { kdSamePad?: boolean }).kdSamePad) continue;
    const depthwise = kernelName.includes('Depthwise');
    const kernelFunc: tf.KernelFunc = (args) => {
      const attrs = args.attrs as Record<string, unknown> | undefined;
      if (attrs?.pad !== 'same') return original.kernelFunc(args);
      const x = args.inputs.x as tf.TensorInfo;
      const filter = args.inputs.filter as tf.TensorInfo;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides as [number, number],
        (attrs.dilations as [number, number] | undefined) ?? 1,
        'same',
        undefined,
        depthwise,
      );
      const { top, bottom, left, right } = info.padInfo;
      const pad = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      return original.kernelFunc({
        ...args,
        attrs: { ...attrs, pad } as unknown as tf.NamedAttrMap,
      });
    };
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ ...original, kernelFunc, kdSamePad: true } as tf.KernelConfig);
    patched.push(kernelName);
  }
  return patched;
}
