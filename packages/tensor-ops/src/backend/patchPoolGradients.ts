import * as tf from '@tensorflow/tfjs-core';
import { avgPoolGradValues, maxPoolGradValues } from './kernels/poolGradients.js';

interface DataBackend {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
}

type Attrs = {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

const info = (shape: number[], a: Attrs) =>
  tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );

/**
 * The pooling gradients each tfjs backend gets wrong, found against PyTorch
 * (`fixtures/pool-gradients.json`): wasm's `MaxPoolGrad` routes gradient to the wrong cell (it
 * starts its search for the maximum at 0, so all-negative windows and some mixed ones fail), and
 * the `AvgPoolGrad` of cpu and wasm divides by the window size k² under 'same' padding, where the
 * forward pass (and TensorFlow) divides by the number of cells inside the input.
 */
export const POOL_GRADIENT_FIXES: Readonly<
  Record<string, readonly ('MaxPoolGrad' | 'AvgPoolGrad')[]>
> = {
  wasm: ['MaxPoolGrad', 'AvgPoolGrad'],
  cpu: ['AvgPoolGrad'],
};

/**
 * Replaces the wrong pooling-gradient kernels of `backendName` (see {@link POOL_GRADIENT_FIXES})
 * with the reference loops of `kernels/poolGradients.ts`, run on the host: the pooled tensors are
 * small next to the convolutions around them. Idempotent.
 *
 * @returns the kernels patched by this call
 */
export function patchPoolGradients(backendName: string): string[] {
  const patched: string[] = [];
  for (const kernelName of POOL_GRADIENT_FIXES[backendName] ?? []) {
    const original = tf.getKernel(kernelName, backendName);
    if ((original as { kdPoolGrad?: boolean } | undefined)?.kdPoolGrad) continue;
    const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
      const b = backend as unknown as DataBackend;
      const a = attrs as unknown as Attrs;
      const dy = inputs.dy as tf.TensorInfo;
      const x = inputs.input as tf.TensorInfo;
      const geometry = info(x.shape, a);
      const dyv = b.readSync(dy.dataId) as Float32Array;
      const dx =
        kernelName === 'MaxPoolGrad'
          ? maxPoolGradValues(b.readSync(x.dataId) as Float32Array, dyv, geometry)
          : avgPoolGradValues(dyv, geometry);
      // a tensor made inside a kernel is on the kernel's backend (the active one)
      return tf.tensor(dx, x.shape, 'float32');
    };
    if (original !== undefined) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc, kdPoolGrad: true } as tf.KernelConfig);
    patched.push(kernelName);
  }
  return patched;
}
