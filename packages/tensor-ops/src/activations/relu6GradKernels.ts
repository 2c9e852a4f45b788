import * as tf from '@tensorflow/tfjs-core';
import { withTensors } from '../backend/registerTrainingKernels.js';

interface CpuBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

interface TensorflowBackendLike {
  readonly binding: { readonly TF_ATTR_TYPE: number; readonly TF_FLOAT: number };
  executeSingleOutput(
    name: string,
    attrs: readonly { name: string; type: number; value: unknown }[],
    inputs: readonly tf.TensorInfo[],
  ): tf.TensorInfo;
}

const bits = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

/**
 * The gradient over whole arrays, without a branch (whose outcome, on a map of mixed signs, the CPU
 * mispredicts half the time): the mask (all ones where `0 < x < 6`) ANDed with the bits of `dy`
 * selects `dy` or +0.
 */
function loop(dy: Float32Array, x: Float32Array, out: Float32Array): Float32Array {
  const d = bits(dy);
  const o = bits(out);
  for (let i = 0; i < o.length; i++) {
    const v = x[i]!;
    o[i] = d[i]! & -(Number(v > 0) & Number(v < 6));
  }
  return out;
}

function float32Inputs(inputs: tf.NamedTensorInfoMap): { dy: tf.TensorInfo; x: tf.TensorInfo } {
  const { dy, x } = inputs;
  if (dy === undefined || x === undefined)
    throw new Error("KdRelu6Grad: needs inputs 'dy' and 'x'");
  if (dy.dtype !== 'float32' || x.dtype !== 'float32')
    throw new Error(`KdRelu6Grad: expected float32 dy and x, got ${dy.dtype} and ${x.dtype}`);
  if (!tf.util.arraysEqual(dy.shape, x.shape))
    throw new Error(`KdRelu6Grad: dy [${dy.shape}] and x [${x.shape}] differ in shape`);
  return { dy, x };
}

/**
 * The gradient from public ops, for backends kd has no kernel for (webgl, webgpu …): a select
 * rather than tfjs's products, so that it gives the same values as the kernels (0, not `dy · 0`).
 * `dy`, `x`: the same shape; returns that shape.
 */
export function relu6GradComposite<T extends tf.Tensor>(dy: T, x: T): T {
  return tf.tidy(() =>
    tf.where(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)), dy, tf.zerosLike(dy)),
  ) as T;
}

/**
 * The ReLU6 gradient kd's kernels compute, on every backend: `dy` where `0 < x < 6`, else 0 —
 * TensorFlow's `Relu6Grad` and PyTorch's `hardtanh_backward(dy, x, 0, 6)`. (tfjs-core's own `Relu6`
 * gradient, `dy · cast(lessEqual(x, 6) · step(x))`, also passes the gradient at x = 6.) A NaN `x`
 * gets 0, as in TensorFlow; PyTorch passes `dy` there. Where the gradient is masked, TensorFlow
 * multiplies (`dy · 0`: −0 for a negative `dy`, NaN for an infinite one); the loops and the composite
 * select +0, as PyTorch does. TensorFlow's threads may flush subnormal floats to zero, so natively
 * a subnormal positive `x` may count as 0 (forward or gradient); the other backends keep it.
 *
 * `KdRelu6Grad` (inputs `dy`, `x`, float32, one shape) by backend; other backends get the composite.
 */
export const RELU6_GRAD_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  // One TensorFlow op where tfjs-core's gradient runs ~10 (tfjs-node's `Step` alone is six).
  tensorflow: ({ inputs, backend }) => {
    const { dy, x } = float32Inputs(inputs);
    const b = backend as unknown as TensorflowBackendLike;
    return b.executeSingleOutput(
      'Relu6Grad',
      [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }],
      [dy, x],
    );
  },
  cpu: ({ inputs, backend }) => {
    const { dy, x } = float32Inputs(inputs);
    const b = backend as unknown as CpuBackendLike;
    const out = loop(
      b.readSync(dy.dataId) as Float32Array,
      b.readSync(x.dataId) as Float32Array,
      new Float32Array(tf.util.sizeFromShape(x.shape)),
    );
    return b.makeTensorInfo(x.shape, 'float32', out);
  },
  // One pass over the wasm heap from JavaScript: faster than tfjs-core's five wasm kernels and
  // kd's composite (`relu6Bench` measures all three).
  wasm: ({ inputs, backend }) => {
    const { dy, x } = float32Inputs(inputs);
    const b = backend as unknown as WasmBackendLike;
    const out = b.makeOutput(x.shape, 'float32');
    // Views taken after the allocation, which may grow (and so detach) the heap.
    loop(
      b.typedArrayFromHeap(dy) as Float32Array,
      b.typedArrayFromHeap(x) as Float32Array,
      b.typedArrayFromHeap(out) as Float32Array,
    );
    return out;
  },
};

/** The composite as a kernel, for any backend without an entry in {@link RELU6_GRAD_KERNELS}. */
export const relu6GradCompositeKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = float32Inputs(inputs);
  return withTensors(backend, [dy, x], ([d, v]) => relu6GradComposite(d!, v!));
};
